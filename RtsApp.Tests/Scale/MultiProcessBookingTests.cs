using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AngleSharp.Html.Parser;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Scale;

/// <summary>Two real RtsApp processes on one database; people book the same member's time through the scheduling page
/// of many links at once, half of them through each process.</summary>
public sealed class MultiProcessBookingTests : IDisposable
{
    private const string Slot = "2027-01-04T09:00:00Z";
    private readonly TestDatabase database = TestDatabase.Create();

    [Fact]
    public async Task Booking_SameMemberThroughTwoProcesses_ExactlyOneWins()
    {
        const int links = 12;
        var created = JsonNode.Parse(await RtsProcess.RunCliAsync(database.Settings, "apps", "create", "--name", "Race"))!;
        await using var a = await RtsProcess.StartAsync(database.Settings);
        await using var b = await RtsProcess.StartAsync(database.Settings);
        var api = new ApiClient(new HttpClient { BaseAddress = new Uri(a.BaseUrl) }, created["client_id"]!.GetValue<string>(), created["client_secret"]!.GetValue<string>());
        var (member, _) = await api.CreateAccountAsync("Member");
        var calendar = await api.CreateCalendarAsync(member);

        var tokens = new List<(string Id, string Token)>();
        for (var i = 0; i < links; i++)
        {
            var reply = await api.PostOkAsync("/v1/real_time_scheduling", new
            {
                oauth = new { redirect_uri = "https://app.example/after" },
                @event = new { event_id = $"race-{i}", summary = "Race", tzid = "Etc/UTC" },
                availability = new
                {
                    participants = new[] { new { members = new[] { new { sub = member } }, required = "all" } },
                    required_duration = new { minutes = 60 },
                    query_periods = new[] { new { start = Slot, end = "2027-01-04T10:00:00Z" } },
                },
                target_calendars = new[] { new { sub = member, calendar_id = calendar } },
            });
            var url = reply["url"]!.GetValue<string>();
            tokens.Add((reply["real_time_scheduling"]!["real_time_scheduling_id"]!.GetValue<string>(), url[(url.LastIndexOf('/') + 1)..]));
        }

        // Each person opens the confirmation view on one process, then all confirm at once.
        var confirmations = new List<Func<Task<HttpStatusCode>>>();
        for (var i = 0; i < links; i++)
        {
            var process = i % 2 == 0 ? a : b;
            var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
            { BaseAddress = new Uri(process.BaseUrl) };
            var path = $"/rts/{tokens[i].Token}";
            var html = await client.GetStringAsync($"{path}?start={Uri.EscapeDataString(Slot)}&tz=Etc%2FUTC");
            var document = new HtmlParser().ParseDocument(html);
            var form = document.QuerySelector("button[data-action='confirm']")?.Closest("form");
            form.ShouldNotBeNull($"link {i} offers {Slot} on {process.BaseUrl}");
            var fields = form.QuerySelectorAll("input[type='hidden']")
                .Select(input => new KeyValuePair<string, string>(input.GetAttribute("name")!, input.GetAttribute("value") ?? "")).ToList();
            confirmations.Add(async () => (await client.PostAsync(path, new FormUrlEncodedContent(fields))).StatusCode);
        }
        var statuses = await Task.WhenAll(confirmations.Select(c => Task.Run(c)));
        statuses.ShouldAllBe(s => (int)s < 500);

        var completed = 0;
        foreach (var (id, _) in tokens)
            if ((await api.GetOkAsync($"/v1/real_time_scheduling/{id}"))["real_time_scheduling"]!["status"]!.GetValue<string>() == "completed")
                completed++;
        completed.ShouldBe(1);
        var events = await api.GetOkAsync($"/v1/events?from=2027-01-04&to=2027-01-05&calendar_ids[]={calendar}");
        events["events"]!.AsArray().Count.ShouldBe(1);
    }

    public void Dispose() => database.Dispose();
}
