using System.Text;

namespace WxHub.Server.Tests.Attack;

/// <summary>Looks for secrets, byte for byte, in what WxHub leaves behind: its database files and any text it wrote.</summary>
internal static class SecretScan
{
    /// <summary>Fails naming the first database file (SQLite file, WAL and journal) under <paramref name="dataPath"/> that holds one of <paramref name="secrets"/> in the clear.</summary>
    public static async Task AssertNotInDatabaseAsync(string dataPath, IEnumerable<(string What, string Value)> secrets)
    {
        var files = Directory.GetFiles(dataPath, "wxhub.db*");
        Assert.NotEmpty(files);
        foreach (var file in files)
            AssertNotIn(Path.GetFileName(file), await ReadSharedAsync(file), secrets);
    }

    public static void AssertNotIn(string where, string text, IEnumerable<(string What, string Value)> secrets) =>
        AssertNotIn(where, Encoding.UTF8.GetBytes(text), secrets);

    public static void AssertNotIn(string where, byte[] bytes, IEnumerable<(string What, string Value)> secrets)
    {
        foreach (var (what, value) in secrets)
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value)) < 0, $"{where} holds {what} in the clear.");
    }

    /// <summary>The file's bytes, read while the server still has it open.</summary>
    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
