using System.Security.Cryptography;
using System.Text.Json;
using WxHub.Protocol.Crypto;

namespace WxHub.Protocol.Tests;

public sealed class MiniProgramDataCryptoTests
{
    // WeChat's own sample for encryptedData (the Mini Program "open data" documentation), also in wechatpy's tests.
    private const string SampleAppid = "wx4f4bc4dec97d474b";
    private const string SampleSessionKey = "tiihtNczf5v6AKRyjwEUhQ==";
    private const string SampleIv = "r7BXXKkLb8qrSNn05n0qiA==";
    private const string SampleData =
        "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz" +
        "6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz" +
        "/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1p" +
        "JAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO" +
        "0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew==";

    [Fact]
    public void Decrypt_opens_wechats_sample_and_reads_its_watermark()
    {
        var result = MiniProgramDataCrypto.Decrypt(SampleSessionKey, SampleData, SampleIv, SampleAppid);

        Assert.True(result.Succeeded, result.Error.ToString());
        Assert.Equal(SampleAppid, result.WatermarkAppid);
        var json = JsonDocument.Parse(result.Json!).RootElement;
        Assert.Equal("oGZUI0egBJY1zhBYw2KhdUfwVJJE", json.GetProperty("openId").GetString());
        Assert.Equal("ocMvos6NjeKLIBqg5Mr9QjxrP1FA", json.GetProperty("unionId").GetString());
        Assert.Equal(1477314187, json.GetProperty("watermark").GetProperty("timestamp").GetInt64());
    }

    [Fact]
    public void Data_made_for_another_app_is_refused_and_names_that_app()
    {
        var result = MiniProgramDataCrypto.Decrypt(SampleSessionKey, SampleData, SampleIv, "wx0000000000000000");
        Assert.Equal(MiniProgramDataError.WatermarkMismatch, result.Error);
        Assert.Equal(SampleAppid, result.WatermarkAppid);
        Assert.Null(result.Json);
    }

    [Theory]
    [InlineData("abc", SampleIv, MiniProgramDataError.InvalidSessionKey)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", SampleIv, MiniProgramDataError.InvalidSessionKey)]
    [InlineData(SampleSessionKey, "abc", MiniProgramDataError.InvalidIv)]
    [InlineData(SampleSessionKey, "", MiniProgramDataError.InvalidIv)]
    public void Malformed_keys_and_ivs_are_named(string sessionKey, string iv, MiniProgramDataError expected) =>
        Assert.Equal(expected, MiniProgramDataCrypto.Decrypt(sessionKey, SampleData, iv, SampleAppid).Error);

    [Theory]
    [InlineData("", MiniProgramDataError.InvalidCiphertextLength)]
    [InlineData("not base64!", MiniProgramDataError.InvalidBase64)]
    [InlineData("AAAAAAAAAAAAAAAAAAAA", MiniProgramDataError.InvalidCiphertextLength)]
    public void Malformed_data_is_named(string data, MiniProgramDataError expected) =>
        Assert.Equal(expected, MiniProgramDataCrypto.Decrypt(SampleSessionKey, data, SampleIv, SampleAppid).Error);

    [Fact]
    public void A_different_session_key_fails_on_padding_or_json_and_never_throws()
    {
        var random = new Random(RandomInputs.Seed);
        for (var i = 0; i < RandomInputs.Cases; i++)
        {
            var otherKey = Convert.ToBase64String(RandomBytes(random, 16));
            var result = MiniProgramDataCrypto.Decrypt(otherKey, SampleData, SampleIv, SampleAppid);
            Assert.False(result.Succeeded);
            Assert.Contains(result.Error, new[] { MiniProgramDataError.InvalidPadding, MiniProgramDataError.InvalidJson });
        }
    }

    [Fact]
    public void Encrypt_then_decrypt_round_trips_any_json_object()
    {
        var random = new Random(RandomInputs.Seed);
        for (var i = 0; i < RandomInputs.Cases; i++)
        {
            var appid = "wx" + RandomInputs.Alphanumeric(random, 16);
            var sessionKey = Convert.ToBase64String(RandomBytes(random, 16));
            var iv = Convert.ToBase64String(RandomBytes(random, 16));
            var json = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["phoneNumber"] = RandomInputs.Text(random, 40),
                ["watermark"] = new Dictionary<string, object> { ["appid"] = appid, ["timestamp"] = random.NextInt64(0, 4_000_000_000) },
            });

            var result = MiniProgramDataCrypto.Decrypt(sessionKey, MiniProgramDataCrypto.Encrypt(sessionKey, iv, json), iv, appid);
            Assert.True(result.Succeeded, result.Error.ToString());
            Assert.Equal(json, result.Json);
        }
    }

    [Fact]
    public void Plaintext_that_is_not_a_json_object_is_refused()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var iv = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        Assert.Equal(MiniProgramDataError.InvalidJson, MiniProgramDataCrypto.Decrypt(key, MiniProgramDataCrypto.Encrypt(key, iv, "[1,2]"), iv, "wx1").Error);
        Assert.Equal(MiniProgramDataError.InvalidJson, MiniProgramDataCrypto.Decrypt(key, MiniProgramDataCrypto.Encrypt(key, iv, "{oops"), iv, "wx1").Error);
        Assert.Equal(MiniProgramDataError.WatermarkMismatch, MiniProgramDataCrypto.Decrypt(key, MiniProgramDataCrypto.Encrypt(key, iv, "{}"), iv, "wx1").Error);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
