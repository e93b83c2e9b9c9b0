using Amazon.Runtime;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Tests.TestSupport;

namespace KinesisAttrib.Tests.Kinesis;

public sealed class KinesisCredentialRefreshTests
{
    /// <summary>Credentials that rotate on every ask, as a role's do when they near expiry.</summary>
    private sealed class RotatingCredentials : AWSCredentials
    {
        private int _generation;

        public int Asked => Volatile.Read(ref _generation);

        public override ImmutableCredentials GetCredentials()
        {
            var n = Interlocked.Increment(ref _generation);
            return new ImmutableCredentials($"ASIAROTATING{n:D4}", $"secret-{n}", $"token-{n}");
        }

        public override Task<ImmutableCredentials> GetCredentialsAsync() => Task.FromResult(GetCredentials());
    }

    private sealed class FailingCredentials : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() => throw new AmazonClientException("Unable to reach the STS endpoint (test).");
    }

    [Fact]
    public async Task EveryRequest_AsksForCredentials_SoRefreshedKeysAndTokensAreUsedAtOnce()
    {
        using var handler = new FakeKinesisHandler();
        handler.RespondJson("""{"ShardIterator":"a"}""").RespondJson("""{"ShardIterator":"b"}""");
        using var http = new HttpClient(handler);
        var credentials = new RotatingCredentials();
        using var client = new KinesisHttpClient(new KinesisClientOptions { ServiceUrl = new Uri("https://kinesis.test.invalid/"), Region = "us-east-1", Credentials = credentials }, http);
        var request = new GetShardIteratorRequest { StreamName = "s", ShardId = "shardId-000000000000", IteratorType = ShardIteratorType.Latest };

        await client.GetShardIteratorAsync(request);
        await client.GetShardIteratorAsync(request);

        Assert.Equal(2, credentials.Asked);
        var (first, second) = (handler.Requests[0], handler.Requests[1]);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=ASIAROTATING0001/", first.Header("Authorization"), StringComparison.Ordinal);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=ASIAROTATING0002/", second.Header("Authorization"), StringComparison.Ordinal);
        Assert.Equal("token-1", first.Header("X-Amz-Security-Token"));
        Assert.Equal("token-2", second.Header("X-Amz-Security-Token"));
    }

    /// <summary>Fails its first asks the way a role's refresh fails when STS throttles or errs (an AmazonServiceException).</summary>
    private sealed class StsFailingCredentials(int failures, Exception failure) : AWSCredentials
    {
        private int _asked;

        public override ImmutableCredentials GetCredentials() =>
            Interlocked.Increment(ref _asked) <= failures ? throw failure : new ImmutableCredentials("ASIAAFTERSTS", "secret-after", "token-after");
    }

    private sealed class NoCredentials : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() => null!;
    }

    public static TheoryData<string> RefreshFailures() => ["sts", "process", "http"];

    private static Exception Failure(string kind) => kind switch
    {
        "sts" => new AmazonServiceException("Rate exceeded (STS AssumeRole, test)", new HttpRequestException("x"), ErrorType.Sender, "Throttling", "req-sts", System.Net.HttpStatusCode.BadRequest),
        "process" => new ProcessAWSCredentialException("credential_process exited with 1 (test)"),
        _ => new HttpRequestException("Connection refused (169.254.170.2:80) (test)"),
    };

    [Theory]
    [MemberData(nameof(RefreshFailures))]
    public async Task ACredentialRefreshFailingWithAnyException_IsRetried_ThenTheCallSucceeds(string kind)
    {
        using var handler = new FakeKinesisHandler();
        handler.RespondJson("""{"ShardIterator":"a"}""");
        using var http = new HttpClient(handler);
        using var client = new KinesisHttpClient(
            new KinesisClientOptions { ServiceUrl = new Uri("https://kinesis.test.invalid/"), Region = "us-east-1", Credentials = new StsFailingCredentials(1, Failure(kind)), RetryBaseDelay = TimeSpan.Zero },
            http);

        var iterator = await client.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = "s", ShardId = "shardId-000000000000", IteratorType = ShardIteratorType.Latest });

        Assert.Equal("a", iterator);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=ASIAAFTERSTS/", Assert.Single(handler.Requests).Header("Authorization"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RefreshFailures))]
    public async Task ACredentialRefreshFailingEveryTime_IsATypedCredentialsUnavailableError(string kind)
    {
        var failure = Failure(kind);
        using var handler = new FakeKinesisHandler();
        using var http = new HttpClient(handler);
        using var client = new KinesisHttpClient(
            new KinesisClientOptions { ServiceUrl = new Uri("https://kinesis.test.invalid/"), Region = "us-east-1", Credentials = new StsFailingCredentials(10, failure), MaxAttempts = 2, RetryBaseDelay = TimeSpan.Zero },
            http);

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.DescribeStreamSummaryAsync("orders"));

        Assert.Equal("CredentialsUnavailable", error.ErrorType);
        Assert.Equal(2, error.Attempts);
        Assert.Same(failure, error.InnerException);
        Assert.DoesNotContain("kinesis.test.invalid", error.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task ACredentialSourceReturningNothing_IsAClearErrorNotANullReference()
    {
        using var handler = new FakeKinesisHandler();
        using var http = new HttpClient(handler);
        using var client = new KinesisHttpClient(
            new KinesisClientOptions { ServiceUrl = new Uri("https://kinesis.test.invalid/"), Region = "us-east-1", Credentials = new NoCredentials(), MaxAttempts = 1 },
            http);

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.DescribeStreamSummaryAsync("orders"));

        Assert.Equal("CredentialsUnavailable", error.ErrorType);
        Assert.Contains("no credentials", error.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task ACredentialSourceThatCannotRefresh_IsARetryableKinesisErrorNamingTheOperation()
    {
        using var handler = new FakeKinesisHandler();
        using var http = new HttpClient(handler);
        using var client = new KinesisHttpClient(
            new KinesisClientOptions { ServiceUrl = new Uri("https://kinesis.test.invalid/"), Region = "us-east-1", Credentials = new FailingCredentials(), MaxAttempts = 2, RetryBaseDelay = TimeSpan.Zero },
            http);

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.DescribeStreamSummaryAsync("orders"));

        Assert.Equal("CredentialsUnavailable", error.ErrorType);
        Assert.True(error.IsRetryable);
        Assert.Equal(2, error.Attempts);
        Assert.Contains("DescribeStreamSummary", error.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }
}
