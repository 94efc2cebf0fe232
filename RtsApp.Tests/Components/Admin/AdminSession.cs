using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Mvc.Testing;
using RtsApp.Features.Admin;
using RtsApp.Infrastructure;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Components.Admin;

/// <summary>A browser-like client for the dashboard over HTTP: keeps cookies, does not follow redirects, and submits a
/// page's forms with their hidden fields (antiforgery token, Blazor's form name) as a browser would.</summary>
public sealed class AdminSession(HttpClient http)
{
    public const string Password = "correct horse battery staple";
    public static Dictionary<string, string?> Settings() => new() { [ConfigKeys.AdminPassword] = Password };

    public HttpClient Http { get; } = http;

    public static AdminSession Anonymous(RtsAppFactory factory) =>
        new(factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));

    public static async Task<AdminSession> SignedInAsync(RtsAppFactory factory)
    {
        var session = Anonymous(factory);
        var response = await session.SignInAsync(Password);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return session;
    }

    public async Task<HttpResponseMessage> SignInAsync(string password, string path = AdminSetup.SignInPath) =>
        await SubmitAsync(await PageAsync(path), "sign-in", new() { ["Password"] = password }, path);

    public async Task<IHtmlDocument> PageAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await Http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, html);
        return await Parse(html);
    }

    public static async Task<IHtmlDocument> Parse(HttpResponseMessage response) => await Parse(await response.Content.ReadAsStringAsync());

    private static Task<IHtmlDocument> Parse(string html) => new HtmlParser().ParseDocumentAsync(html);

    /// <summary>The POST form named <paramref name="formName"/> (Blazor's <c>_handler</c> field).</summary>
    public static IHtmlFormElement Form(IDocument page, string formName) =>
        page.QuerySelectorAll<IHtmlFormElement>("form[method=post]")
            .SingleOrDefault(f => f.QuerySelector($"input[name=_handler][value='{formName}']") is not null)
        ?? throw new ShouldAssertException($"no form named {formName}");

    /// <summary>Posts the form with its hidden fields plus <paramref name="fields"/> (e.g. the clicked button's name and value).</summary>
    public async Task<HttpResponseMessage> SubmitAsync(IDocument page, string formName, Dictionary<string, string> fields, string path)
    {
        var form = Form(page, formName);
        var values = form.QuerySelectorAll<IHtmlInputElement>("input[type=hidden]").ToDictionary(i => i.Name!, i => i.Value);
        foreach (var (k, v) in fields) values[k] = v;
        var action = form.GetAttribute("action") is { Length: > 0 } a ? a : path;
        return await Http.PostAsync(action, new FormUrlEncodedContent(values));
    }
}
