using Microsoft.AspNetCore.Http;
using RtsApp.Infrastructure;

namespace RtsApp.Tests.Infrastructure;

public sealed class PageResponsesTests
{
    /// <summary>A refused form goes back to its own URL with the notice, and never off the site.</summary>
    [Theory]
    [InlineData("", "/rts/abc", "?tz=Europe/Berlin&start=2026-03-23T10:00:00Z", "/rts/abc?tz=Europe%2FBerlin&start=2026-03-23T10%3A00%3A00Z&notice=expired")]
    [InlineData("", "/admin/sign-in", "?notice=no-times", "/admin/sign-in?notice=expired")]
    [InlineData("/base", "/connect/t", "", "/base/connect/t?notice=expired")]
    [InlineData("", "/rts/ä b", "", "/rts/%C3%A4%20b?notice=expired")]
    [InlineData("", "//evil.example/x", "", "/?notice=expired")]
    [InlineData("", "", "", "/?notice=expired")]
    public void ExpiredFormUrl_IsTheFormsOwnUrlWithTheNotice_OnThisSite(string pathBase, string path, string query, string expected)
    {
        var http = new DefaultHttpContext();
        http.Request.PathBase = pathBase;
        http.Request.Path = path;
        http.Request.QueryString = new QueryString(query);

        PageResponses.ExpiredFormUrl(http.Request).ShouldBe(expected);
    }
}
