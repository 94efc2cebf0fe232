using System.Text.Json.Nodes;
using RtsApp.Tests.Infrastructure;
using static RtsApp.Tests.Components.Scheduling.SchedulingLinks;

namespace RtsApp.Tests.Components.Scheduling;

/// <summary>The scheduling page in the person's language (Accept-Language: English, German, French, Spanish), or the one
/// the link forces with <c>formatting.locale</c>; only the page is localised.</summary>
public sealed class SchedulingLocalizationTests(RtsAppFactory factory) : IClassFixture<RtsAppFactory>
{
    private async Task<AngleSharp.Html.Dom.IHtmlDocument> GetAsync(string path, string? language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        var response = await factory.CreateClient().SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await Html.ParseAsync(response);
    }

    [Theory]
    [InlineData(null, "en", "Times on Monday 23 March 2026", "Monday 23 March, 4 times", "Show times", "Choose a time")]
    [InlineData("de-DE,de;q=0.9,en;q=0.5", "de", "Termine am Montag, 23. März 2026", "Montag, 23. März, 4 Termine", "Zeiten anzeigen", "Wählen Sie einen Termin")]
    [InlineData("fr-FR", "fr", "Créneaux du lundi 23 mars 2026", "lundi 23 mars, 4 créneaux", "Afficher les horaires", "Choisissez un créneau")]
    [InlineData("es", "es", "Horas del lunes, 23 de marzo de 2026", "lunes, 23 de marzo, 4 horas", "Mostrar horas", "Elija una hora")]
    public async Task Page_FollowsAcceptLanguage(string? language, string lang, string dayHeading, string dayLabel, string showTimes, string choose)
    {
        var link = await CreateAsync(await factory.CreateApiClientAsync());
        var doc = await GetAsync(link.Path + "?tz=Europe/London", language);

        doc.DocumentElement.GetAttribute("lang").ShouldBe(lang);
        doc.QuerySelector("#day-times-heading")!.TextContent.ShouldBe(dayHeading);
        doc.QuerySelector("a[data-day='2026-03-23']")!.GetAttribute("aria-label").ShouldBe(dayLabel);
        doc.QuerySelector("form[data-zone-switch] button")!.TextContent.ShouldBe(showTimes);
        doc.QuerySelector("#times-heading")!.TextContent.ShouldBe(choose);
        Html.SlotStarts(doc).ShouldContain("2026-03-23T09:00:00Z");
    }

    [Fact]
    public async Task ConfirmStep_IsTranslatedToo()
    {
        var link = await CreateAsync(await factory.CreateApiClientAsync());
        var doc = await GetAsync(link.Path + "?start=2026-03-23T10:00:00Z&tz=Europe/London", "de");
        doc.QuerySelector("[data-action=confirm]")!.TextContent.ShouldBe("Buchung bestätigen");
        doc.QuerySelector("label[for=invitee-email]")!.TextContent.ShouldContain("Ihre E-Mail-Adresse");
        doc.QuerySelector(".chosen-time")!.TextContent.ShouldContain("Montag, 23. März 2026");
    }

    [Fact]
    public async Task LinkLocale_WinsOverAcceptLanguage()
    {
        var link = await CreateAsync(await factory.CreateApiClientAsync(), (body, _) => body["formatting"] = new JsonObject { ["locale"] = "fr" });
        var doc = await GetAsync(link.Path + "?tz=Europe/London", "de-DE");
        doc.DocumentElement.GetAttribute("lang").ShouldBe("fr");
        doc.QuerySelector("#times-heading")!.TextContent.ShouldBe("Choisissez un créneau");
    }

    [Fact]
    public async Task UnsupportedLanguage_FallsBackToEnglish_AndTheApiIsNotLocalised()
    {
        var link = await CreateAsync(await factory.CreateApiClientAsync());
        var doc = await GetAsync(link.Path + "?tz=Europe/London", "ja-JP");
        doc.QuerySelector("#times-heading")!.TextContent.ShouldBe("Choose a time");

        var api = await factory.CreateApiClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/sign-in");
        request.Headers.AcceptLanguage.ParseAdd("de");
        var admin = await Html.ParseAsync(await api.Http.SendAsync(request));
        admin.DocumentElement.GetAttribute("lang").ShouldBe("en");
    }
}
