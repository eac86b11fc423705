using System.Text.Json.Serialization;

namespace WxHub.Core.Storage;

[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<int>))]
internal sealed partial class CoreJsonContext : JsonSerializerContext;
