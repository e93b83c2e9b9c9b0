using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KinesisAttrib.Kinesis;

/// <summary>
/// AWS Signature Version 4 (header form). Written here rather than borrowed from AWSSDK.Core's
/// <c>AWS4Signer</c> because that type lives in an <c>Internal</c> namespace and works on the SDK's own request
/// model; this one signs an <see cref="HttpRequestMessage"/> directly and allocates little. Tests check it against
/// AWS's published test vectors and against AWSSDK.Core's signer.
/// </summary>
internal static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string DateHeader = "X-Amz-Date";
    public const string SecurityTokenHeader = "X-Amz-Security-Token";

    /// <summary>
    /// Adds <c>Host</c>, <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> (session credentials) and
    /// <c>Authorization</c> to <paramref name="request"/>; every header already on the request and its content is signed.
    /// </summary>
    public static void Sign(
        HttpRequestMessage request,
        ReadOnlySpan<byte> body,
        string accessKey,
        string secretKey,
        string? sessionToken,
        string region,
        string service,
        DateTime signedAtUtc)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI to sign.");
        var amzDate = signedAtUtc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

        request.Headers.Host = uri.Authority;
        request.Headers.Remove(DateHeader);
        request.Headers.TryAddWithoutValidation(DateHeader, amzDate);
        request.Headers.Remove(SecurityTokenHeader);
        if (!string.IsNullOrEmpty(sessionToken))
        {
            request.Headers.TryAddWithoutValidation(SecurityTokenHeader, sessionToken);
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var header in request.Headers)
        {
            headers.Add(new(header.Key, string.Join(',', header.Value)));
        }

        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers)
            {
                // Content-Length is computed by the handler and may be absent here; signing it buys nothing.
                if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    headers.Add(new(header.Key, string.Join(',', header.Value)));
                }
            }
        }

        var authorization = ComputeAuthorization(
            request.Method.Method, uri.AbsolutePath, uri.Query, headers, HexSha256(body),
            accessKey, secretKey, region, service, signedAtUtc);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
    }

    /// <summary>Builds the <c>Authorization</c> header value for an already assembled request.</summary>
    public static string ComputeAuthorization(
        string method,
        string path,
        string query,
        IEnumerable<KeyValuePair<string, string>> headers,
        string payloadHashHex,
        string accessKey,
        string secretKey,
        string region,
        string service,
        DateTime signedAtUtc)
    {
        var (canonicalRequest, signedHeaders) = CanonicalRequest(method, path, query, headers, payloadHashHex);
        var signature = ComputeSignature(canonicalRequest, secretKey, region, service, signedAtUtc);
        var date = signedAtUtc.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        return $"{Algorithm} Credential={accessKey}/{date}/{region}/{service}/aws4_request, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    /// <summary>The canonical request and the semicolon-separated signed header names.</summary>
    public static (string CanonicalRequest, string SignedHeaders) CanonicalRequest(
        string method,
        string path,
        string query,
        IEnumerable<KeyValuePair<string, string>> headers,
        string payloadHashHex)
    {
        // Lower-case names, trimmed values with inner whitespace runs collapsed; repeated names joined by commas.
        var canonicalHeaders = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            var key = name.Trim().ToLowerInvariant();
            var normalized = CollapseWhitespace(value);
            canonicalHeaders[key] = canonicalHeaders.TryGetValue(key, out var existing) ? existing + "," + normalized : normalized;
        }

        var builder = new StringBuilder(256);
        builder.Append(method).Append('\n');
        builder.Append(CanonicalPath(path)).Append('\n');
        builder.Append(CanonicalQuery(query)).Append('\n');
        foreach (var (name, value) in canonicalHeaders)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        builder.Append('\n');
        var signedHeaders = string.Join(';', canonicalHeaders.Keys);
        builder.Append(signedHeaders).Append('\n');
        builder.Append(payloadHashHex);
        return (builder.ToString(), signedHeaders);
    }

    /// <summary>The string to sign: algorithm, time, credential scope and the hash of the canonical request.</summary>
    public static string StringToSign(string canonicalRequest, string region, string service, DateTime signedAtUtc)
    {
        var date = signedAtUtc.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Algorithm}\n{signedAtUtc:yyyyMMdd'T'HHmmss'Z'}\n{date}/{region}/{service}/aws4_request\n{HexSha256(Encoding.UTF8.GetBytes(canonicalRequest))}");
    }

    /// <summary>The hex signature of a canonical request.</summary>
    public static string ComputeSignature(string canonicalRequest, string secretKey, string region, string service, DateTime signedAtUtc)
    {
        var date = signedAtUtc.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var stringToSign = StringToSign(canonicalRequest, region, service, signedAtUtc);

        var key = HmacSha256(Encoding.UTF8.GetBytes("AWS4" + secretKey), date);
        key = HmacSha256(key, region);
        key = HmacSha256(key, service);
        key = HmacSha256(key, "aws4_request");
        return ToHexLower(HmacSha256(key, stringToSign));
    }

    public static string HexSha256(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, hash);
        return ToHexLower(hash);
    }

#if NET9_0_OR_GREATER
    private static string ToHexLower(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
#else
    private static string ToHexLower(ReadOnlySpan<byte> bytes) => string.Create(bytes.Length * 2, bytes.ToArray(), static (chars, data) =>
    {
        const string Digits = "0123456789abcdef";
        for (var i = 0; i < data.Length; i++)
        {
            chars[2 * i] = Digits[data[i] >> 4];
            chars[(2 * i) + 1] = Digits[data[i] & 0xF];
        }
    });
#endif

    private static byte[] HmacSha256(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    // As AWSSDK.Core and botocore do: every run of whitespace (tabs included) becomes one space.
    private static string CollapseWhitespace(string value)
    {
        var trimmed = value.Trim();
        var clean = true;
        for (var i = 0; i < trimmed.Length && clean; i++)
        {
            clean = trimmed[i] == ' ' ? trimmed[i + 1] != ' ' && !char.IsWhiteSpace(trimmed[i + 1]) : !char.IsWhiteSpace(trimmed[i]);
        }

        if (clean)
        {
            return trimmed;
        }

        var builder = new StringBuilder(trimmed.Length);
        var previousSpace = false;
        foreach (var c in trimmed)
        {
            var isSpace = char.IsWhiteSpace(c);
            if (!isSpace)
            {
                builder.Append(c);
            }
            else if (!previousSpace)
            {
                builder.Append(' ');
            }

            previousSpace = isSpace;
        }

        return builder.ToString();
    }

    // Non-S3 services encode each path segment twice: once as the URI carries it, once more for the signature.
    private static string CanonicalPath(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "/";
        }

        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = Uri.EscapeDataString(segments[i]);
        }

        return string.Join('/', segments);
    }

    private static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return string.Empty;
        }

        var pairs = new List<(string Name, string Value)>();
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? string.Empty : part[(equals + 1)..];
            pairs.Add((Uri.EscapeDataString(Uri.UnescapeDataString(name)), Uri.EscapeDataString(Uri.UnescapeDataString(value))));
        }

        pairs.Sort((a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(p => p.Name + "=" + p.Value));
    }
}
