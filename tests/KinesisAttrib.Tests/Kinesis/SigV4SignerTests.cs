using System.Net.Http.Headers;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Tests.Kinesis;

public sealed class SigV4SignerTests
{
    // AWS's published SigV4 test suite (aws-sig-v4-test-suite) credentials and time.
    private const string SuiteAccessKey = "AKIDEXAMPLE";
    private const string SuiteSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTime SuiteTime = new(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);

    [Fact]
    public void GetVanilla_MatchesTheAwsTestSuite()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");

        SigV4Signer.Sign(request, [], SuiteAccessKey, SuiteSecretKey, null, "us-east-1", "service", SuiteTime);

        Assert.Equal("20150830T123600Z", request.Headers.GetValues("X-Amz-Date").Single());
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
            + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            request.Headers.GetValues("Authorization").Single());
    }

    [Fact]
    public void GetVanilla_CanonicalRequestMatchesTheAwsTestSuite()
    {
        var (canonical, signedHeaders) = SigV4Signer.CanonicalRequest(
            "GET", "/", "",
            [new("Host", "example.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z")],
            SigV4Signer.HexSha256([]));

        Assert.Equal("host;x-amz-date", signedHeaders);
        Assert.Equal(
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            canonical);
    }

    [Fact]
    public void PostXWwwFormUrlencoded_MatchesTheAwsTestSuite()
    {
        var body = Encoding.UTF8.GetBytes("Param1=value1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");

        SigV4Signer.Sign(request, body, SuiteAccessKey, SuiteSecretKey, null, "us-east-1", "service", SuiteTime);

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, "
            + "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            request.Headers.GetValues("Authorization").Single());
    }

    [Fact]
    public void CanonicalHeaders_AreLowerCasedSortedTrimmedAndCollapsed()
    {
        var (canonical, signedHeaders) = SigV4Signer.CanonicalRequest(
            "POST", "/", "",
            [new("X-Amz-Target", "  Kinesis_20131202.ListShards "), new("Host", "h"), new("My-Header", "a   b  c")],
            "00");

        Assert.Equal("host;my-header;x-amz-target", signedHeaders);
        Assert.Contains("host:h\nmy-header:a b c\nx-amz-target:Kinesis_20131202.ListShards\n", canonical, StringComparison.Ordinal);
    }

    [Fact]
    public void Signatures_MatchAwsSdkCoresSigner_OnRandomisedRequests()
    {
        var random = new Random(20131202);
        string[] operations = ["ListShards", "GetRecords", "PutRecords", "DescribeStreamSummary", "GetShardIterator"];
        string[] regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1"];
        string[] endpoints = ["https://kinesis.us-east-1.amazonaws.com/", "http://127.0.0.1:4567/", "https://vpce-1.kinesis.eu-west-1.vpce.amazonaws.com/"];

        for (var i = 0; i < 50; i++)
        {
            var operation = operations[random.Next(operations.Length)];
            var region = regions[random.Next(regions.Length)];
            var endpoint = new Uri(endpoints[random.Next(endpoints.Length)]);
            var accessKey = "AKIA" + RandomString(random, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
            var secretKey = RandomString(random, 40, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/+");
            var signedAt = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(random.Next(0, 200_000_000));
            var body = new byte[random.Next(0, 2048)];
            random.NextBytes(body);

            using var ours = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
            ours.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
            ours.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202." + operation);
            // AWSSDK.Core always adds and signs the payload hash header; send it too so both sign the same header set.
            ours.Headers.TryAddWithoutValidation("X-Amz-Content-SHA256", SigV4Signer.HexSha256(body));
            // Every other request carries session credentials.
            var token = i % 2 == 0 ? null : RandomString(random, 200 + random.Next(200), "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/+=");
            SigV4Signer.Sign(ours, body, accessKey, secretKey, token, region, "kinesis", signedAt);

            var sdk = SignWithAwsSdk(endpoint, operation, body, accessKey, secretKey, token, region, signedAt);

            Assert.Equal(sdk, ours.Headers.GetValues("Authorization").Single());
        }
    }

    [Fact]
    public void SignatureComputation_MatchesAwsSdkCore_ForAGivenCanonicalRequest()
    {
        var canonical = "POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:kinesis.us-east-1.amazonaws.com\nx-amz-date:20240102T030405Z\n"
            + "x-amz-target:Kinesis_20131202.GetRecords\n\ncontent-type;host;x-amz-date;x-amz-target\n" + SigV4Signer.HexSha256("{}"u8);
        var at = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);

        var sdk = AWS4Signer.ComputeSignature(SuiteAccessKey, SuiteSecretKey, "us-east-1", at, "kinesis", "content-type;host;x-amz-date;x-amz-target", canonical);

        Assert.Equal(sdk.Signature, SigV4Signer.ComputeSignature(canonical, SuiteSecretKey, "us-east-1", "kinesis", at));
    }

    [Theory]
    [InlineData("https://proxy.example.com/kinesis/", "/kinesis/")]
    [InlineData("https://proxy.example.com/a/b", "/a/b")]
    [InlineData("http://127.0.0.1:4567/", "/")]
    [InlineData("https://proxy.example.com/a%20b/c~d/", "/a b/c~d/")]
    public void Signatures_MatchAwsSdkCoresSigner_ForEndpointsWithAPathAndHeadersWithSpaceRuns(string url, string path)
    {
        var endpoint = new Uri(url);
        var body = Encoding.UTF8.GetBytes("""{"StreamName":"orders"}""");
        var at = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);

        using var ours = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        ours.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        ours.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202.ListShards");
        ours.Headers.TryAddWithoutValidation("X-Amz-Content-SHA256", SigV4Signer.HexSha256(body));
        ours.Headers.TryAddWithoutValidation("X-Custom", "  a   b \t  c  ");
        SigV4Signer.Sign(ours, body, SuiteAccessKey, SuiteSecretKey, "tok", "eu-west-1", "kinesis", at);

        var config = new AmazonDynamoDBConfig { ServiceURL = url, AuthenticationRegion = "eu-west-1", AuthenticationServiceName = "kinesis" };
        var sdk = new DefaultRequest(new ListTablesRequest(), "Kinesis")
        {
            HttpMethod = "POST",
            Endpoint = new Uri(endpoint.GetLeftPart(UriPartial.Authority)),
            ResourcePath = path,
            Content = body,
            AuthenticationRegion = "eu-west-1",
        };
        sdk.Headers["Content-Type"] = "application/x-amz-json-1.1";
        sdk.Headers["X-Amz-Target"] = "Kinesis_20131202.ListShards";
        sdk.Headers["X-Custom"] = "  a   b \t  c  ";
        sdk.Headers["X-Amz-Security-Token"] = "tok";
        var expected = new AWS4Signer().SignRequest(sdk, config, null, SuiteAccessKey, SuiteSecretKey, at).ForAuthorizationHeader;

        Assert.Equal(expected, ours.Headers.GetValues("Authorization").Single());
    }

    private static string SignWithAwsSdk(Uri endpoint, string operation, byte[] body, string accessKey, string secretKey, string? token, string region, DateTime signedAt)
    {
        // Any concrete client config serves to carry the signing region and service name into AWS4Signer.
        var config = new AmazonDynamoDBConfig
        {
            ServiceURL = endpoint.ToString(),
            AuthenticationRegion = region,
            AuthenticationServiceName = "kinesis",
        };
        var request = new DefaultRequest(new ListTablesRequest(), "Kinesis")
        {
            HttpMethod = "POST",
            Endpoint = endpoint,
            ResourcePath = "/",
            Content = body,
            AuthenticationRegion = region,
        };
        request.Headers["Content-Type"] = "application/x-amz-json-1.1";
        request.Headers["X-Amz-Target"] = "Kinesis_20131202." + operation;
        if (token is not null)
        {
            request.Headers["X-Amz-Security-Token"] = token;
        }

        var result = new AWS4Signer().SignRequest(request, config, null, accessKey, secretKey, signedAt);
        return result.ForAuthorizationHeader;
    }

    private static string RandomString(Random random, int length, string alphabet) =>
        string.Create(length, (random, alphabet), static (chars, state) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = state.alphabet[state.random.Next(state.alphabet.Length)];
            }
        });
}
