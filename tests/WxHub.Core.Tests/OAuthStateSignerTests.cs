using System.Security.Cryptography;
using WxHub.Core.OAuth;
using WxHub.Core.Secrets;

namespace WxHub.Core.Tests;

public sealed class OAuthStateSignerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly byte[] _masterKey = RandomNumberGenerator.GetBytes(MasterKey.Size);

    private OAuthStateSigner Signer(byte[]? key = null) => new(new SecretProtector(key ?? _masterKey));

    [Fact]
    public void A_signed_state_is_valid_for_its_app_until_it_expires_on_any_instance_with_the_same_master_key()
    {
        var nonce = OAuthStateSigner.NewNonce();
        var state = Signer().Sign(nonce, "wxA", T0.AddMinutes(10));

        Assert.Equal(OAuthStateSigner.Length, state.Length);
        Assert.Matches("^[0-9a-f]+$", state);
        Assert.Equal(StateCheck.Valid, Signer().Check(state, "wxA", T0.AddMinutes(9), out var found));
        Assert.Equal(nonce, found);
        Assert.Equal(StateCheck.Expired, Signer().Check(state, "wxA", T0.AddMinutes(10), out _));
    }

    [Fact]
    public void A_state_for_another_app_or_key_or_altered_in_any_character_is_forged()
    {
        var state = Signer().Sign(OAuthStateSigner.NewNonce(), "wxA", T0.AddMinutes(10));
        Assert.Equal(StateCheck.Forged, Signer().Check(state, "wxB", T0, out _));
        Assert.Equal(StateCheck.Forged, Signer(RandomNumberGenerator.GetBytes(MasterKey.Size)).Check(state, "wxA", T0, out _));

        for (var i = 0; i < state.Length; i++)
        {
            var altered = state[..i] + (state[i] == '0' ? '1' : '0') + state[(i + 1)..];
            Assert.Equal(StateCheck.Forged, Signer().Check(altered, "wxA", T0, out var nonce));
            Assert.Equal("", nonce);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ")]
    public void Garbage_is_forged(string? state) => Assert.Equal(StateCheck.Forged, Signer().Check(state, "wxA", T0, out _));
}
