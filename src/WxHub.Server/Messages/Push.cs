using WxHub.Core.Messages;
using WxHub.Protocol.Crypto;
using WxHub.Protocol.Messages;

namespace WxHub.Server.Messages;

/// <summary>
/// A push that passed every check: the parsed message, its plaintext body as WeChat sent it (decrypted in the AES modes),
/// and the key that decrypted it, which must also encrypt the reply.
/// </summary>
public sealed record Push(InboundMessage Message, string Raw, PushFormat Format, CallbackEncryption Encryption, EncodingAesKey? Key)
{
    public string? Event => (Message as EventMessage)?.Event;
}
