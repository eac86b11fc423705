using Microsoft.Playwright;

namespace WxHub.Browser.Tests;

/// <summary>
/// Full-page screenshots of the dashboard: always under <c>artifacts/screenshots</c>; with
/// <c>WXHUB_UPDATE_SCREENSHOTS=1</c> also under <c>docs/images</c>, where the README shows them.
/// </summary>
internal static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name)
    {
        var root = RepositoryRoot();
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        Write(Path.Combine(root, "artifacts", "screenshots", name + ".png"), png);
        if (Environment.GetEnvironmentVariable("WXHUB_UPDATE_SCREENSHOTS") == "1")
            Write(Path.Combine(root, "docs", "images", name + ".png"), png);
    }

    private static void Write(string path, byte[] png)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, png);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "WxHub.slnx"))) return folder.FullName;
        throw new InvalidOperationException($"No WxHub.slnx above {AppContext.BaseDirectory}.");
    }
}
