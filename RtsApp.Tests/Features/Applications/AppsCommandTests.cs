using System.Text.Json.Nodes;
using RtsApp.Cli;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Applications;

public sealed class AppsCommandTests : IClassFixture<RtsAppFactory>
{
    private readonly RtsAppFactory factory;
    public AppsCommandTests(RtsAppFactory factory) => this.factory = factory;

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await AppsCommand.RunAsync(factory.Services, args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Create_PrintsOnlyJsonWithAWorkingSecret()
    {
        var (code, output, _) = await Run("apps", "create", "--name", "Acme Recruiting");
        code.ShouldBe(0);
        var json = JsonNode.Parse(output)!;
        var secret = json["client_secret"]!.GetValue<string>();
        json["client_id"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        var api = new ApiClient(factory.CreateClient(), json["client_id"]!.GetValue<string>(), secret);
        (await api.GetOkAsync("/v1/accounts"))["accounts"].ShouldNotBeNull();
    }

    [Fact]
    public async Task List_IncludesCreatedApplications()
    {
        await Run("apps", "create", "--name", "Listed One");
        var (code, output, _) = await Run("apps", "list");
        code.ShouldBe(0);
        JsonNode.Parse(output)!["applications"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ShouldContain("Listed One");
        output.ShouldNotContain("rts_sk_");
    }

    [Fact]
    public async Task RotateSecret_PrintsANewSecret()
    {
        var created = JsonNode.Parse((await Run("apps", "create", "--name", "Rotating")).Out)!;
        var (code, output, _) = await Run("apps", "rotate-secret", "--client-id", created["client_id"]!.GetValue<string>());
        code.ShouldBe(0);
        JsonNode.Parse(output)!["client_secret"]!.GetValue<string>().ShouldNotBe(created["client_secret"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("apps")]
    [InlineData("apps", "create")]
    [InlineData("apps", "rotate-secret", "--client-id", "nope")]
    [InlineData("apps", "create", "--name", "Tab\tbed")]
    [InlineData("apps", "create", "--name", "   ")]
    public async Task BadUsage_ExitsNonZeroWithNothingOnStdout(params string[] args)
    {
        var (code, output, error) = await Run(args);
        code.ShouldNotBe(0);
        output.ShouldBeEmpty();
        error.ShouldNotBeEmpty();
    }
}
