using System.Data.Common;
using WxHub.Core.Apps;
using WxHub.Core.Secrets;

namespace WxHub.Core.Storage.Sql;

public sealed class SqlAppStore(SqlDatabase database, SecretProtector protector) : IAppStore
{
    // What is derived from an app and goes with it; "apps" itself is deleted last.
    private static readonly string[] DerivedTables =
    [
        "credentials", "refresh_events", "quota_usage",
        "oauth_pending", "oauth_sign_ins", "oauth_redirect_prefixes", "oauth_grants", "miniprogram_sessions", "user_identities", "follower_backfills",
        // Subscribers and callbacks may belong to platforms and authorizers too, so no foreign key removes an app's.
        "callbacks", "subscribers",
    ];

    private const string Columns = "appid, type, token_mode, secret, token, encoding_aes_key, previous_encoding_aes_key, created_at, updated_at";

    public async Task<AppRegistration?> GetAsync(string appid, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT {Columns} FROM apps WHERE appid = @appid", Read, cancellationToken, ("@appid", appid))).SingleOrDefault();

    public async Task<IReadOnlyList<AppRegistration>> ListAsync(CancellationToken cancellationToken = default) =>
        await database.QueryAsync($"SELECT {Columns} FROM apps ORDER BY appid", Read, cancellationToken);

    public async Task<bool> AddAsync(AppRegistration app, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync(
            $"INSERT INTO apps ({Columns}) VALUES (@appid, @type, @mode, @secret, @token, @key, @previous, @created, @updated) ON CONFLICT (appid) DO NOTHING",
            cancellationToken, Parameters(app)) == 1;

    public async Task<bool> UpdateAsync(AppRegistration app, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync(
            "UPDATE apps SET type = @type, token_mode = @mode, secret = @secret, token = @token, encoding_aes_key = @key, previous_encoding_aes_key = @previous, updated_at = @updated WHERE appid = @appid",
            cancellationToken, Parameters(app)) == 1;

    public async Task<bool> DeleteAsync(string appid, CancellationToken cancellationToken = default) =>
        await database.ExecuteInTransactionAsync(
            DerivedTables.Append("apps").Select(table => $"DELETE FROM {table} WHERE appid = @appid"), cancellationToken, ("@appid", appid)) == 1;

    private (string, object?)[] Parameters(AppRegistration app) =>
    [
        ("@appid", app.Appid),
        ("@type", app.Type.ToString()),
        ("@mode", app.TokenMode.ToString()),
        ("@secret", protector.Protect(app.Secret, Place(app.Appid, "secret"))),
        ("@token", ProtectOptional(app.Appid, "token", app.Token)),
        ("@key", ProtectOptional(app.Appid, "encoding_aes_key", app.EncodingAesKey)),
        ("@previous", ProtectOptional(app.Appid, "previous_encoding_aes_key", app.PreviousEncodingAesKey)),
        ("@created", app.CreatedAt.ToUnixMs()),
        ("@updated", app.UpdatedAt.ToUnixMs()),
    ];

    private AppRegistration Read(DbDataReader reader)
    {
        var appid = reader.GetString(0);
        return new AppRegistration(
            appid,
            Enum.Parse<AppType>(reader.GetString(1)),
            Enum.Parse<TokenMode>(reader.GetString(2)),
            protector.Unprotect(reader.GetBlobOrNull(3)!, Place(appid, "secret")),
            UnprotectOptional(appid, "token", reader.GetBlobOrNull(4)),
            UnprotectOptional(appid, "encoding_aes_key", reader.GetBlobOrNull(5)),
            UnprotectOptional(appid, "previous_encoding_aes_key", reader.GetBlobOrNull(6)),
            reader.FromUnixMs(7),
            reader.FromUnixMs(8));
    }

    private byte[]? ProtectOptional(string appid, string field, string? value) =>
        value is null ? null : protector.Protect(value, Place(appid, field));

    private string? UnprotectOptional(string appid, string field, byte[]? blob) =>
        blob is null ? null : protector.Unprotect(blob, Place(appid, field));

    private static string Place(string appid, string field) => $"app/{appid}/{field}";
}
