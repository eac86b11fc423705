using System.Text.Json.Serialization;
using WxHub.Emulator.Api;
using WxHub.Emulator.Components;
using WxHub.Emulator.Control;
using WxHub.Emulator.Credentials;
using WxHub.Emulator.Messages;
using WxHub.Emulator.OAuth;
using WxHub.Emulator.Pushes;
using WxHub.Emulator.Users;

namespace WxHub.Emulator.Json;

/// <summary>Every body the emulator reads or writes, in WeChat's snake_case; nulls are left out as WeChat leaves fields out.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(StatusBody))]
[JsonSerializable(typeof(AccessTokenBody))]
[JsonSerializable(typeof(StableTokenRequest))]
[JsonSerializable(typeof(TicketBody))]
[JsonSerializable(typeof(IpListBody))]
[JsonSerializable(typeof(ClearQuotaRequest))]
[JsonSerializable(typeof(ClearQuotaBySecretRequest))]
[JsonSerializable(typeof(ControlError))]
[JsonSerializable(typeof(AppRegistration))]
[JsonSerializable(typeof(AppView))]
[JsonSerializable(typeof(List<AppView>))]
[JsonSerializable(typeof(FaultRequest))]
[JsonSerializable(typeof(FaultView))]
[JsonSerializable(typeof(FaultList))]
[JsonSerializable(typeof(ClockAdvance))]
[JsonSerializable(typeof(ClockView))]
[JsonSerializable(typeof(StatsView))]
[JsonSerializable(typeof(AccessPointList))]
[JsonSerializable(typeof(OAuthTokenBody))]
[JsonSerializable(typeof(SnsUserInfoBody))]
[JsonSerializable(typeof(SessionBody))]
[JsonSerializable(typeof(UserInfoBody))]
[JsonSerializable(typeof(UserInfoListBody))]
[JsonSerializable(typeof(BatchGetRequest))]
[JsonSerializable(typeof(FollowerListBody))]
[JsonSerializable(typeof(TemplateSentBody))]
[JsonSerializable(typeof(VideoUrlBody))]
[JsonSerializable(typeof(MediaUploadedBody))]
[JsonSerializable(typeof(UserRegistration))]
[JsonSerializable(typeof(UserView))]
[JsonSerializable(typeof(JsCodeRequest))]
[JsonSerializable(typeof(JsCodeView))]
[JsonSerializable(typeof(OpenDataRequest))]
[JsonSerializable(typeof(OpenDataView))]
[JsonSerializable(typeof(MediaUpload))]
[JsonSerializable(typeof(MediaView))]
[JsonSerializable(typeof(SentMessageList))]
[JsonSerializable(typeof(StartPushTicketRequest))]
[JsonSerializable(typeof(ComponentTokenRequest))]
[JsonSerializable(typeof(ComponentTokenBody))]
[JsonSerializable(typeof(ComponentRequest))]
[JsonSerializable(typeof(PreAuthCodeBody))]
[JsonSerializable(typeof(QueryAuthRequest))]
[JsonSerializable(typeof(QueryAuthBody))]
[JsonSerializable(typeof(AuthorizerTokenRequest))]
[JsonSerializable(typeof(AuthorizerTokenBody))]
[JsonSerializable(typeof(AuthorizerRequest))]
[JsonSerializable(typeof(AuthorizerInfoBody))]
[JsonSerializable(typeof(AuthorizerListRequest))]
[JsonSerializable(typeof(AuthorizerListBody))]
[JsonSerializable(typeof(ComponentClearQuotaRequest))]
[JsonSerializable(typeof(ComponentRegistration))]
[JsonSerializable(typeof(ComponentView))]
[JsonSerializable(typeof(AuthorizeRequest))]
[JsonSerializable(typeof(SeedAuthorizersRequest))]
[JsonSerializable(typeof(SeedAuthorizersResult))]
[JsonSerializable(typeof(AuthorizeResult))]
[JsonSerializable(typeof(PushMessageRequest))]
[JsonSerializable(typeof(PushResult))]
[JsonSerializable(typeof(PushLogList))]
[JsonSerializable(typeof(EmulatorSeed))]
[JsonSerializable(typeof(SeedResult))]
[JsonSerializable(typeof(CallbackCheckRequest))]
[JsonSerializable(typeof(CallbackCheckBody))]
internal sealed partial class EmulatorJson : JsonSerializerContext;
