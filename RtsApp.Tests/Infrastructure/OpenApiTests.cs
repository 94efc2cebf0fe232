using System.Text.Json.Nodes;

namespace RtsApp.Tests.Infrastructure;

/// <summary>The OpenAPI document describes every /v1 operation: a name, a summary, and the JSON body's schema.</summary>
public sealed class OpenApiTests(RtsAppFactory factory) : IClassFixture<RtsAppFactory>
{
    [Fact]
    public async Task Document_NamesAndSummarizesEveryOperation_WithBodySchemas()
    {
        var doc = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var operations = doc["paths"]!.AsObject()
            .Where(p => p.Key.StartsWith("/v1/", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Op: o.Value!)))
            .ToList();
        operations.Count.ShouldBeGreaterThanOrEqualTo(15);
        foreach (var (path, method, op) in operations)
        {
            op["operationId"]?.GetValue<string>().ShouldNotBeNullOrEmpty($"{method} {path} operationId");
            op["summary"]?.GetValue<string>().ShouldNotBeNullOrEmpty($"{method} {path} summary");
        }
        foreach (var (path, method, op) in operations.Where(o => o.Method == "post"))
            op["requestBody"]?["content"]?["application/json"]?["schema"].ShouldNotBeNull($"{method} {path} body schema");
        var availability = operations.Single(o => o.Path == "/v1/availability" && o.Method == "post").Op;
        availability["requestBody"]!.ToJsonString().ShouldContain("\"required_duration\"");
    }

    [Fact]
    public async Task Body_WithoutContentType_IsStillRead()
    {
        var api = await factory.CreateApiClientAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/accounts") { Content = new StringContent("""{"name": "No Type"}""") };
        request.Content.Headers.ContentType = null;
        request.Headers.Authorization = new("Bearer", api.Secret);
        (await api.Http.SendAsync(request)).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
    }
}
