using Microsoft.Playwright;

namespace RtsApp.Tests.E2E.Pages;

/// <summary>The scheduling page (<c>/rts/{token}</c>) as a person uses it. The selectors of SPEC §7's test contract are the
/// constants at the top, in this one place; the rest are the page's own landmarks.</summary>
public sealed class SchedulingPageObject(IPage page)
{
    // SPEC §7 test contract (kept stable by the page).
    /// <summary>Every offered time of a scheduling link: <c>data-slot-start</c> = the UTC instant as the API writes it.</summary>
    public const string Slot = "button[data-slot-start]";
    /// <summary>Every offered option of a sequencing link: <c>data-option-start</c> = its first step's start.</summary>
    public const string Option = "button[data-option-start]";
    public const string ConfirmButton = "[data-action=confirm]";
    public const string NoTimesButton = "[data-action=no-times]";
    /// <summary>A day of the day picker that has times (<c>data-day="YYYY-MM-DD"</c> in the shown zone); following it
    /// shows that day's times.</summary>
    public const string Day = "[data-day]";

    public static string SlotAt(string start) => $"button[data-slot-start='{start}']";
    public static string OptionAt(string start) => $"button[data-option-start='{start}']";
    public static string DayAt(string date) => $"[data-day='{date}']";

    // The page's own landmarks.
    public const string Heading = "h1";
    public const string Status = "[role=status]";
    public const string ChosenTimeBlock = ".chosen-time";
    public const string BookedHeadingSelector = "#booked-heading";
    public const string ZoneSelectSelector = "select[name=tz]";
    public const string ShowTimes = "form[data-zone-switch] button[type=submit]";
    public const string IcsLinkSelector = "a[href$='/event.ics']";
    /// <summary>The page's last element: once it is in the new page, the whole page has been parsed.</summary>
    public const string PageEnd = ".scheduling-shell > footer";
    public const string NextMonthSelector = "a[data-month-nav=next]";
    public const string MonthLabelSelector = "#month-label";
    public const string SelectedDaySelector = "a[data-day][aria-current=date]";
    public const string ZoneSearchSelector = "form[data-zone-switch] input[type=search]";
    public const string ThanksHeadingSelector = "#thanks-heading";
    public const string NameField = "input[name='Confirm.Name']";
    public const string EmailField = "input[name='Confirm.Email']";
    public const string NotesField = "textarea[name='Confirm.Notes']";

    public IPage Page { get; } = page;

    public Task<IResponse?> OpenAsync(string path) => Page.GotoAsync(path);

    /// <summary>Every offered time (scheduling links).</summary>
    public ILocator Times => Page.Locator(Slot);
    /// <summary>Every offered option (sequencing links).</summary>
    public ILocator Options => Page.Locator(Option);
    public ILocator Time(string start) => Page.Locator(SlotAt(start));
    public ILocator OptionStartingAt(string start) => Page.Locator(OptionAt(start));
    public ILocator Title => Page.Locator(Heading);
    public ILocator StatusMessage => Page.Locator(Status);
    public ILocator ChosenTime => Page.Locator(ChosenTimeBlock);
    public ILocator BookedHeading => Page.Locator(BookedHeadingSelector);
    public ILocator Confirmation => Page.Locator(ConfirmButton);
    public ILocator ZoneSelect => Page.Locator(ZoneSelectSelector);
    public ILocator IcsLink => Page.Locator(IcsLinkSelector);
    public ILocator Days => Page.Locator(Day);
    public ILocator DayLink(string date) => Page.Locator(DayAt(date));
    public ILocator SelectedDay => Page.Locator(SelectedDaySelector);
    public ILocator MonthLabel => Page.Locator(MonthLabelSelector);
    public ILocator NextMonth => Page.Locator(NextMonthSelector);
    public ILocator ZoneSearch => Page.Locator(ZoneSearchSelector);
    public ILocator ThanksHeading => Page.Locator(ThanksHeadingSelector);
    public ILocator CalendarLink(string which) => Page.Locator($"a[data-calendar={which}]");

    /// <summary>The <c>data-slot-start</c> of every offered time, in page order.</summary>
    public Task<string[]> TimeStartsAsync() => Times.EvaluateAllAsync<string[]>("bs => bs.map(b => b.dataset.slotStart)");

    /// <summary>Picks the offered time starting at <paramref name="start"/> (leads to the confirmation).</summary>
    public Task PickTimeAsync(string start) => Time(start).ClickAsync();

    public Task PickOptionAsync(string start) => OptionStartingAt(start).ClickAsync();

    public Task ConfirmAsync() => Confirmation.ClickAsync();

    /// <summary>"None of these times work".</summary>
    public Task NoTimesAsync() => Page.Locator(NoTimesButton).ClickAsync();

    /// <summary>Shows the times in <paramref name="tzid"/> with the zone switch: with JavaScript the choice applies at
    /// once; without it, "Show times" submits it.</summary>
    public async Task SwitchZoneAsync(string tzid)
    {
        var button = Page.Locator(ShowTimes);
        if (await button.IsVisibleAsync())
        {
            await ZoneSelect.SelectOptionAsync(tzid);
            await button.ClickAsync();
        }
        else
        {
            await ZoneSelect.SelectOptionAsync(tzid);
            await Microsoft.Playwright.Assertions.Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("tz=" + System.Text.RegularExpressions.Regex.Escape(Uri.EscapeDataString(tzid))));
        }
    }

    /// <summary>Shows the times of <paramref name="date"/> (YYYY-MM-DD), moving through the months to reach it.</summary>
    public async Task PickDayAsync(string date)
    {
        while (await DayLink(date).CountAsync() == 0) await ShowNextMonthAsync();
        await ShowDayAsync(date);
    }

    /// <summary>Follows the day link of <paramref name="date"/> in the month shown and waits until the new page is
    /// parsed (a day already chosen is left as it is: following it again would only race its own reload).</summary>
    public async Task ShowDayAsync(string date)
    {
        if (await SelectedDay.CountAsync() > 0 && await SelectedDay.GetAttributeAsync("data-day") == date) return;
        await DayLink(date).ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(SelectedDay).ToHaveAttributeAsync("data-day", date);
        await Microsoft.Playwright.Assertions.Expect(Page.Locator(PageEnd)).ToBeAttachedAsync();
    }

    /// <summary>Follows "next month" and waits until the next month's page is parsed. Clicking a link does not wait for
    /// the navigation, so reading the days right after the click could still read the old month.</summary>
    public async Task ShowNextMonthAsync()
    {
        var shown = await MonthLabel.TextContentAsync() ?? "";
        await NextMonth.ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(MonthLabel).Not.ToHaveTextAsync(shown);
        await Microsoft.Playwright.Assertions.Expect(Page.Locator(PageEnd)).ToBeAttachedAsync();
    }

    /// <summary>The <c>data-day</c> of every day with times in the month shown.</summary>
    public Task<string[]> DayDatesAsync() => Days.EvaluateAllAsync<string[]>("ds => ds.map(d => d.dataset.day)");

    /// <summary>Types the person's details on the confirm step.</summary>
    public async Task FillDetailsAsync(string? name, string? email, string? notes = null)
    {
        if (name is not null) await Page.Locator(NameField).FillAsync(name);
        if (email is not null) await Page.Locator(EmailField).FillAsync(email);
        if (notes is not null) await Page.Locator(NotesField).FillAsync(notes);
    }
}
