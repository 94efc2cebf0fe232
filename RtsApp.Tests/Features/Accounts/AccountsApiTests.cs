using System.Text.Json.Nodes;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Accounts;

public sealed class AccountsApiTests : IClassFixture<RtsAppFactory>
{
    private readonly RtsAppFactory factory;
    public AccountsApiTests(RtsAppFactory factory) => this.factory = factory;

    [Fact]
    public async Task CreateAccount_RepliesWithEveryField()
    {
        var api = await factory.CreateApiClientAsync();
        var reply = await api.PostOkAsync("/v1/accounts", new { name = "Ann Smith", email = "ann@example.com", tzid = "Europe/London" });
        var account = reply["account"]!.AsObject();
        account["sub"]!.GetValue<string>().ShouldMatch("^acc_[0-9a-f]{24}$");
        account["name"]!.GetValue<string>().ShouldBe("Ann Smith");
        account["email"]!.GetValue<string>().ShouldBe("ann@example.com");
        account["tzid"]!.GetValue<string>().ShouldBe("Europe/London");
        account["access_token"]!.GetValue<string>().Length.ShouldBeGreaterThan(40);
    }

    [Fact]
    public async Task CreateAccount_DefaultsToUtc()
    {
        var api = await factory.CreateApiClientAsync();
        var reply = await api.PostOkAsync("/v1/accounts", new { name = "Zoneless" });
        reply["account"]!["tzid"]!.GetValue<string>().ShouldBe("Etc/UTC");
        reply["account"]!.AsObject().ContainsKey("email").ShouldBeFalse();
    }

    [Fact]
    public async Task ListAccounts_OmitsTokens()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync("Listed");
        var reply = await api.GetOkAsync("/v1/accounts");
        var account = reply["accounts"]!.AsArray().Single()!.AsObject();
        account["sub"]!.GetValue<string>().ShouldBe(sub);
        account.ContainsKey("access_token").ShouldBeFalse();
    }

    [Theory]
    [InlineData("""{}""", "name", "errors.required")]
    [InlineData("""{"name": ""}""", "name", "errors.required")]
    [InlineData("""{"name": "A", "tzid": "Mars/Olympus"}""", "tzid", "errors.unknown_time_zone")]
    [InlineData("""{"name": "A", "email": "not-an-email"}""", "email", "errors.invalid")]
    [InlineData("""{"name": 42}""", "name", "errors.invalid")]
    public async Task CreateAccount_InvalidInput_Is422NamingTheField(string body, string field, string key)
    {
        var api = await factory.CreateApiClientAsync();
        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/accounts", body), 422);
        error["errors"]![field]!.AsArray()[0]!["key"]!.GetValue<string>().ShouldBe(key);
    }
}
