using System.Text.Json;
using System.Data.Common;
using WxHub.Core.Messages;
using WxHub.Core.Secrets;

namespace WxHub.Core.Storage.Sql;

public sealed class SqlSubscriberStore(SqlDatabase database, SecretProtector protector) : ISubscriberStore
{
    private const string Columns = "id, appid, url, secret, events, mode, created_at";

    /// <summary>False when the app already has a sync subscriber (subscribers_one_sync_per_app).</summary>
    public async Task<bool> AddAsync(Subscriber subscriber, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync(
            $"INSERT INTO subscribers ({Columns}) VALUES (@id, @appid, @url, @secret, @events, @mode, @created) ON CONFLICT DO NOTHING",
            cancellationToken,
            ("@id", subscriber.Id), ("@appid", subscriber.Appid), ("@url", subscriber.Url.ToString()),
            ("@secret", protector.Protect(subscriber.Secret, Place(subscriber.Id))),
            ("@events", JsonSerializer.Serialize(subscriber.Events, CoreJsonContext.Default.IReadOnlyListString)),
            ("@mode", subscriber.Mode.ToString()), ("@created", subscriber.CreatedAt.ToUnixMs())) == 1;

    public async Task<Subscriber?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT {Columns} FROM subscribers WHERE id = @id", Read, cancellationToken, ("@id", id))).SingleOrDefault();

    public async Task<IReadOnlyList<Subscriber>> ListAsync(string appid, CancellationToken cancellationToken = default) =>
        await database.QueryAsync($"SELECT {Columns} FROM subscribers WHERE appid = @appid ORDER BY created_at, id", Read, cancellationToken, ("@appid", appid));

    public async Task<bool> DeleteAsync(string appid, string id, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("DELETE FROM subscribers WHERE appid = @appid AND id = @id", cancellationToken, ("@appid", appid), ("@id", id)) == 1;

    private Subscriber Read(DbDataReader r)
    {
        var id = r.GetString(0);
        return new Subscriber(
            id,
            r.GetString(1),
            new Uri(r.GetString(2)),
            protector.Unprotect((byte[])r.GetValue(3), Place(id)),
            JsonSerializer.Deserialize(r.GetString(4), CoreJsonContext.Default.IReadOnlyListString) ?? [],
            Enum.Parse<SubscriberMode>(r.GetString(5)),
            r.FromUnixMs(6));
    }

    private static string Place(string id) => $"subscriber/{id}/secret";
}
