using Microsoft.Playwright;

namespace WxHub.Browser.Tests;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright, shared by a test class. Without Chromium the tests fail with
/// how to install it: they never pass silently, and Playwright never downloads a browser of its own.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(
        $"Debian's Chromium is not installed at {ExecutablePath}: run ./test.sh, which installs it, or 'apt-get install -y chromium' as root.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath)) return; // each test then fails through Browser, saying what to install
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Chromium's sandbox needs user namespaces, which containers and root often lack; the pages are our own.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser context (its own cookies) with one page of a readable size.</summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ChromiumCollection : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "chromium";
}
