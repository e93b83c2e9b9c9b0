using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace KinesisAttrib.Kinesis;

/// <summary>
/// The AWS credentials a <see cref="KinesisHttpClient"/> signs with: the configured ones, or AWSSDK.Core's default
/// chain resolved on the first call (never in the constructor, so building a client does no I/O). A source that cannot
/// give credentials is a retryable <see cref="KinesisException"/> <c>CredentialsUnavailable</c>.
/// </summary>
internal sealed class KinesisCredentialSource : IDisposable
{
    private readonly SemaphoreSlim _resolveLock = new(1, 1);
    private AWSCredentials? _credentials;

    /// <summary>Creates the source.</summary>
    /// <param name="credentials">The configured credentials; null for the default chain.</param>
    public KinesisCredentialSource(AWSCredentials? credentials) => _credentials = credentials;

    /// <summary>The credentials to sign one request of <paramref name="operation"/> with.</summary>
    public async Task<ImmutableCredentials> GetAsync(string operation, CancellationToken cancellationToken)
    {
        var source = Volatile.Read(ref _credentials);
        if (source is null)
        {
            await _resolveLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                source = _credentials ??= await ResolveDefaultAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _resolveLock.Release();
            }
        }

        // Asked on every request: the SDK's credential objects cache, and refresh (role, SSO, web identity) shortly
        // before expiry behind this call, so a long-running consumer never signs with expired keys.
        ImmutableCredentials? credentials;
        try
        {
            credentials = await source.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A credential source that could not refresh may succeed later. The SDK's sources fail with more than
            // AmazonClientException: STS errors are AmazonServiceException (a sibling type), credential_process failures
            // ProcessAWSCredentialException, an unreachable container endpoint HttpRequestException.
            throw new KinesisException(
                "CredentialsUnavailable",
                $"Kinesis {operation}: the AWS credentials could not be obtained from {source.GetType().Name}: {ex.Message}",
                innerException: ex);
        }

        return credentials ?? throw new KinesisException(
            "CredentialsUnavailable",
            $"Kinesis {operation}: {source.GetType().Name} gave no credentials (anonymous credentials cannot sign Kinesis requests).");
    }

    /// <summary>
    /// Removes the secret key and session token from a service message before it is quoted: AWS's signature-mismatch
    /// messages quote the canonical request, which includes the session token header.
    /// </summary>
    public static string Redact(string awsMessage, ImmutableCredentials credentials)
    {
        var message = awsMessage.Replace(credentials.SecretKey, "<redacted>", StringComparison.Ordinal);
        return credentials.UseToken ? message.Replace(credentials.Token, "<redacted>", StringComparison.Ordinal) : message;
    }

    /// <inheritdoc />
    public void Dispose() => _resolveLock.Dispose();

    private static async Task<AWSCredentials> ResolveDefaultAsync()
    {
        try
        {
            return await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null).ConfigureAwait(false);
        }
        catch (AmazonClientException ex)
        {
            throw new InvalidOperationException(
                "No AWS credentials for Kinesis: set KinesisClientOptions.Credentials, or configure the default chain "
                + "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, an AWS profile, or an instance/container role).",
                ex);
        }
    }
}
