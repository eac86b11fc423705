using System.Data.Common;
using WxHub.Core.Components;
using WxHub.Core.Secrets;

namespace WxHub.Core.Storage.Sql;

public sealed class SqlComponentStore(SqlDatabase database, SecretProtector protector) : IComponentStore
{
    private const string Columns = "component_appid, secret, token, encoding_aes_key, previous_encoding_aes_key, created_at, updated_at";

    public async Task<ComponentRegistration?> GetAsync(string componentAppid, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT {Columns} FROM components WHERE component_appid = @id", Read, cancellationToken, ("@id", componentAppid))).SingleOrDefault();

    public async Task<IReadOnlyList<ComponentRegistration>> ListAsync(CancellationToken cancellationToken = default) =>
        await database.QueryAsync($"SELECT {Columns} FROM components ORDER BY component_appid", Read, cancellationToken);

    public async Task<bool> AddAsync(ComponentRegistration component, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync(
            $"INSERT INTO components ({Columns}) VALUES (@id, @secret, @token, @key, @previous, @created, @updated) ON CONFLICT (component_appid) DO NOTHING",
            cancellationToken, Parameters(component)) == 1;

    public async Task<bool> UpdateAsync(ComponentRegistration component, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync(
            "UPDATE components SET secret = @secret, token = @token, encoding_aes_key = @key, previous_encoding_aes_key = @previous, updated_at = @updated WHERE component_appid = @id",
            cancellationToken, Parameters(component)) == 1;

    private (string, object?)[] Parameters(ComponentRegistration c) =>
    [
        ("@id", c.ComponentAppid),
        ("@secret", protector.Protect(c.Secret, Place(c.ComponentAppid, "secret"))),
        ("@token", protector.Protect(c.Token, Place(c.ComponentAppid, "token"))),
        ("@key", protector.Protect(c.EncodingAesKey, Place(c.ComponentAppid, "encoding_aes_key"))),
        ("@previous", c.PreviousEncodingAesKey is null ? null : protector.Protect(c.PreviousEncodingAesKey, Place(c.ComponentAppid, "previous_encoding_aes_key"))),
        ("@created", c.CreatedAt.ToUnixMs()),
        ("@updated", c.UpdatedAt.ToUnixMs()),
    ];

    private ComponentRegistration Read(DbDataReader r)
    {
        var id = r.GetString(0);
        return new ComponentRegistration(
            id,
            protector.Unprotect(r.GetBlobOrNull(1)!, Place(id, "secret")),
            protector.Unprotect(r.GetBlobOrNull(2)!, Place(id, "token")),
            protector.Unprotect(r.GetBlobOrNull(3)!, Place(id, "encoding_aes_key")),
            r.GetBlobOrNull(4) is { } previous ? protector.Unprotect(previous, Place(id, "previous_encoding_aes_key")) : null,
            r.FromUnixMs(5),
            r.FromUnixMs(6));
    }

    private static string Place(string componentAppid, string field) => $"component/{componentAppid}/{field}";
}
