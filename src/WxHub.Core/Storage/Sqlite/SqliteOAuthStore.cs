using System.Text.Json;
using Microsoft.Data.Sqlite;
using WxHub.Core.OAuth;

namespace WxHub.Core.Storage.Sqlite;

public sealed class SqliteOAuthStore(SqliteDatabase database) : IOAuthStore
{
    public Task AddPendingAsync(PendingAuthorization pending, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync(
            "INSERT INTO oauth_pending (nonce, appid, component_appid, scope, redirect_uri, business_state, expires_at) VALUES ($nonce, $appid, $component, $scope, $redirect, $state, $expires)",
            cancellationToken,
            ("$nonce", pending.Nonce), ("$appid", pending.Appid), ("$component", pending.ComponentAppid), ("$scope", pending.Scope),
            ("$redirect", pending.RedirectUri), ("$state", pending.BusinessState), ("$expires", pending.ExpiresAt.ToUnixMs()));

    public async Task<PendingAuthorization?> TakePendingAsync(string nonce, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync(
            "UPDATE oauth_pending SET used_at = $now WHERE nonce = $nonce AND used_at IS NULL AND expires_at > $now " +
            "RETURNING nonce, appid, component_appid, scope, redirect_uri, business_state, expires_at",
            r => new PendingAuthorization(r.GetString(0), r.GetString(1), r.GetStringOrNull(2), r.GetString(3), r.GetString(4), r.GetStringOrNull(5), r.FromUnixMs(6)),
            cancellationToken, ("$nonce", nonce), ("$now", now.ToUnixMs()))).SingleOrDefault();

    public async Task<bool> TryUseCodeAsync(string appid, byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync(
            "INSERT INTO oauth_used_codes (appid, code_hash, used_at) VALUES ($appid, $hash, $now) ON CONFLICT DO NOTHING",
            cancellationToken, ("$appid", appid), ("$hash", codeHash), ("$now", now.ToUnixMs())) == 1;

    public Task AddSignInAsync(byte[] codeHash, SignIn signIn, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync(
            "INSERT INTO oauth_sign_ins (code_hash, appid, sign_in, expires_at) VALUES ($hash, $appid, $json, $expires)",
            cancellationToken,
            ("$hash", codeHash), ("$appid", signIn.Appid), ("$json", JsonSerializer.Serialize(signIn, CoreJsonContext.Default.SignIn)),
            ("$expires", expiresAt.ToUnixMs()));

    public async Task<SignIn?> FindSignInAsync(byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync(
            "SELECT sign_in FROM oauth_sign_ins WHERE code_hash = $hash AND used_at IS NULL AND expires_at > $now",
            r => JsonSerializer.Deserialize(r.GetString(0), CoreJsonContext.Default.SignIn),
            cancellationToken, ("$hash", codeHash), ("$now", now.ToUnixMs()))).SingleOrDefault();

    public async Task<bool> RedeemSignInAsync(byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync(
            "UPDATE oauth_sign_ins SET used_at = $now WHERE code_hash = $hash AND used_at IS NULL AND expires_at > $now",
            cancellationToken, ("$hash", codeHash), ("$now", now.ToUnixMs())) == 1;

    public async Task<IReadOnlyList<string>> GetRedirectPrefixesAsync(string appid, CancellationToken cancellationToken = default) =>
        await database.QueryAsync("SELECT prefix FROM oauth_redirect_prefixes WHERE appid = $appid ORDER BY prefix", r => r.GetString(0),
            cancellationToken, ("$appid", appid));

    public async Task SetRedirectPrefixesAsync(string appid, IReadOnlyList<string> prefixes, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var clear = connection.Command("DELETE FROM oauth_redirect_prefixes WHERE appid = $appid", ("$appid", appid)))
        {
            clear.Transaction = transaction;
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var prefix in prefixes.Distinct(StringComparer.Ordinal))
        {
            await using var insert = connection.Command("INSERT INTO oauth_redirect_prefixes (appid, prefix) VALUES ($appid, $prefix)", ("$appid", appid), ("$prefix", prefix));
            insert.Transaction = transaction;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public Task PurgeAsync(DateTimeOffset now, DateTimeOffset usedCodesBefore, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync(
            "DELETE FROM oauth_pending WHERE expires_at <= $now; DELETE FROM oauth_sign_ins WHERE expires_at <= $now; DELETE FROM oauth_used_codes WHERE used_at < $before",
            cancellationToken, ("$now", now.ToUnixMs()), ("$before", usedCodesBefore.ToUnixMs()));
}
