using System.Diagnostics.CodeAnalysis;

namespace WxHub.Core.Credentials;

/// <summary>What a reader gets: a credential with at least the minimum lifetime left, or the fault that prevents one.</summary>
public sealed record CredentialLookup(StoredCredential? Credential, CredentialFault? Fault)
{
    [MemberNotNullWhen(true, nameof(Credential))]
    [MemberNotNullWhen(false, nameof(Fault))]
    public bool Found => Credential is not null;
}

/// <summary>The state of one credential for operators: what is held, whether a refresh runs, the current fault.</summary>
public sealed record CredentialStatus(
    CredentialKey Key,
    DateTimeOffset? ObtainedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? NextRefreshAt,
    bool Refreshing,
    CredentialFault? Fault);
