using System.Net.Http.Headers;
using System.Text;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Tests.Kinesis;

/// <summary>
/// Cases from AWS's published SigV4 test suite (aws-sig-v4-test-suite: credentials AKIDEXAMPLE /
/// wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 2015-08-30T12:36:00Z, us-east-1, service "service"). The expected
/// canonical requests, strings to sign and Authorization headers are copied from the suite's .creq, .sts and .authz
/// files; each request is built as an <see cref="HttpRequestMessage"/> and signed end to end.
/// </summary>
public sealed class SigV4TestSuiteTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string Scope = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";

    // post-sts-token/post-sts-header-before: the suite's example session token, signed as a header.
    private const string SuiteSessionToken =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/"
        + "qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7"
        + "ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    private static readonly DateTime SuiteTime = new(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);

    public sealed record Vector(string Name, string Method, string Uri, string? Body, string? ContentType, string? SessionToken, string? CanonicalRequest, string? StringToSign, string Authorization)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Vector> Vectors => new(
        new Vector(
            "get-vanilla", "GET", "https://example.amazonaws.com/", null, null, null,
            $"GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EmptyHash}",
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        new Vector(
            "post-vanilla", "POST", "https://example.amazonaws.com/", null, null, null,
            $"POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EmptyHash}",
            null,
            $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        new Vector(
            "post-vanilla-query", "POST", "https://example.amazonaws.com/?Param1=value1", null, null, null,
            $"POST\n/\nParam1=value1\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EmptyHash}",
            null,
            $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=host;x-amz-date, Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
        new Vector(
            "post-x-www-form-urlencoded", "POST", "https://example.amazonaws.com/", "Param1=value1", "application/x-www-form-urlencoded", null,
            "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            + "content-type;host;x-amz-date\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
            null,
            $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
        new Vector(
            "post-x-www-form-urlencoded-parameters", "POST", "https://example.amazonaws.com/", "Param1=value1", "application/x-www-form-urlencoded; charset=utf8", null,
            null,
            null,
            $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=content-type;host;x-amz-date, Signature=1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"),
        new Vector(
            "post-sts-token/post-sts-header-before", "POST", "https://example.amazonaws.com/", null, null, SuiteSessionToken,
            $"POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\nx-amz-security-token:{SuiteSessionToken}\n\nhost;x-amz-date;x-amz-security-token\n{EmptyHash}",
            null,
            $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"));

    [Theory]
    [MemberData(nameof(Vectors))]
    public void SigningTheSuiteRequest_GivesTheSuiteAuthorization(Vector vector)
    {
        var body = vector.Body is null ? [] : Encoding.UTF8.GetBytes(vector.Body);
        using var request = Build(vector, body);

        SigV4Signer.Sign(request, body, AccessKey, SecretKey, vector.SessionToken, "us-east-1", "service", SuiteTime);

        Assert.Equal(vector.Authorization, request.Headers.GetValues("Authorization").Single());
        Assert.Equal("20150830T123600Z", request.Headers.GetValues("X-Amz-Date").Single());
        if (vector.SessionToken is null)
        {
            Assert.False(request.Headers.Contains("X-Amz-Security-Token"));
        }
        else
        {
            Assert.Equal(vector.SessionToken, request.Headers.GetValues("X-Amz-Security-Token").Single());
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void TheCanonicalRequestAndStringToSign_AreTheSuites(Vector vector)
    {
        var body = vector.Body is null ? [] : Encoding.UTF8.GetBytes(vector.Body);
        var headers = new List<KeyValuePair<string, string>> { new("Host", "example.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z") };
        if (vector.ContentType is not null)
        {
            headers.Add(new("Content-Type", vector.ContentType));
        }

        if (vector.SessionToken is not null)
        {
            headers.Add(new("X-Amz-Security-Token", vector.SessionToken));
        }

        var uri = new Uri(vector.Uri);
        var (canonical, _) = SigV4Signer.CanonicalRequest(vector.Method, uri.AbsolutePath, uri.Query, headers, SigV4Signer.HexSha256(body));
        var stringToSign = SigV4Signer.StringToSign(canonical, "us-east-1", "service", SuiteTime);

        if (vector.CanonicalRequest is not null)
        {
            Assert.Equal(vector.CanonicalRequest, canonical);
        }

        if (vector.StringToSign is not null)
        {
            Assert.Equal(vector.StringToSign, stringToSign);
        }

        Assert.EndsWith(
            "Signature=" + SigV4Signer.ComputeSignature(canonical, SecretKey, "us-east-1", "service", SuiteTime),
            vector.Authorization,
            StringComparison.Ordinal);
    }

    [Fact]
    public void TheSessionToken_ChangesTheSignature_AndIsNeverPartOfTheAuthorizationHeader()
    {
        using var withToken = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/");
        using var without = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/");

        SigV4Signer.Sign(withToken, [], AccessKey, SecretKey, SuiteSessionToken, "us-east-1", "service", SuiteTime);
        SigV4Signer.Sign(without, [], AccessKey, SecretKey, null, "us-east-1", "service", SuiteTime);

        var authorization = withToken.Headers.GetValues("Authorization").Single();
        Assert.NotEqual(without.Headers.GetValues("Authorization").Single(), authorization);
        Assert.DoesNotContain(SuiteSessionToken, authorization, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, authorization, StringComparison.Ordinal);
    }

    private static HttpRequestMessage Build(Vector vector, byte[] body)
    {
        var request = new HttpRequestMessage(new HttpMethod(vector.Method), vector.Uri);
        if (vector.Body is not null || vector.ContentType is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(vector.ContentType!);
        }

        return request;
    }
}
