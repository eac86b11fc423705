using System.Text.Json.Serialization;

namespace WxHub.Core.Storage;

[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class CoreJsonContext : JsonSerializerContext;
