using System.Text.Json.Serialization;
using WxHub.Core.OAuth;
using WxHub.Protocol.Users;

namespace WxHub.Core.Storage;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<int>))]
[JsonSerializable(typeof(SignIn))]
[JsonSerializable(typeof(WeChatUser))]
internal sealed partial class CoreJsonContext : JsonSerializerContext;
