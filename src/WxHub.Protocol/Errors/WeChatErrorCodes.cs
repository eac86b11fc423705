namespace WxHub.Protocol.Errors;

/// <summary>The <c>errcode</c> values WxHub knows by name.</summary>
public static class WeChatErrorCodes
{
    public const int SystemBusy = -1;
    public const int Ok = 0;
    public const int InvalidCredential = 40001;
    public const int InvalidGrantType = 40002;
    public const int InvalidOpenId = 40003;
    public const int InvalidMediaId = 40007;
    public const int InvalidAppId = 40013;
    public const int InvalidAccessToken = 40014;
    public const int InvalidCode = 40029;
    public const int InvalidRefreshToken = 40030;
    public const int InvalidTemplateId = 40037;
    public const int InvalidAppSecret = 40125;
    public const int CodeBeenUsed = 40163;
    public const int IpNotWhitelisted = 40164;
    public const int CountLimitExceeded = 40170;
    public const int HighRiskUserBlocked = 40226;
    public const int AccessTokenMissing = 41001;
    public const int AppIdMissing = 41002;
    public const int AppSecretMissing = 41004;
    public const int AccessTokenExpired = 42001;
    public const int RefreshTokenExpired = 42002;
    public const int CodeExpired = 42003;
    public const int UserChangedPassword = 42007;
    public const int RequirePost = 43002;
    public const int RecipientMustFollow = 43004;
    public const int UserRefusesMessages = 43101;
    public const int DailyQuotaExceeded = 45009;
    public const int MinuteQuotaExceeded = 45011;
    public const int OutsideReplyWindow = 45015;
    public const int TooManyMessagesToUser = 45047;
    public const int DataFormatError = 47001;
    public const int InvalidTemplateArgument = 47003;
    public const int ApiUnauthorized = 48001;
    public const int ClearQuotaLimitReached = 48006;
    public const int UserUnauthorized = 50001;
    public const int UserLimited = 50002;
    public const int ComponentNotAuthorized = 61003;
    public const int ComponentIpNotRegistered = 61004;
    public const int ComponentTicketExpired = 61005;
    public const int ComponentTicketInvalid = 61006;
    public const int ApiUnauthorizedToComponent = 61007;
    public const int InvalidComponent = 61011;
    public const int ComponentTokenRequired = 61014;
    public const int AccountTokenRequired = 61015;
    public const int AuthorizerRefreshTokenInvalid = 61023;
    public const int ComponentMustUseComponentToken = 61024;
    public const int RiskConfirmationPending = 89501;
    public const int RiskConfirmationRequired = 89503;
    public const int RiskRejectedTwice = 89506;
    public const int RiskRejectedOnce = 89507;

    /// <summary>WxHub's own code (WeChat never sends it): the response body was not a WeChat JSON object.</summary>
    public const int MalformedResponse = -90001;
}
