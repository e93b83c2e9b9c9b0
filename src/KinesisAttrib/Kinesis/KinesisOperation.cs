using System.Text.Json.Serialization.Metadata;

namespace KinesisAttrib.Kinesis;

/// <summary>One Kinesis API operation: its name (the <c>X-Amz-Target</c> suffix) and how its request and response travel.</summary>
/// <typeparam name="TRequest">The wire request.</typeparam>
/// <typeparam name="TResponse">The wire response; <see cref="object"/> with no <paramref name="ResponseType"/> when the body is ignored.</typeparam>
/// <param name="Name">The operation, e.g. <c>GetRecords</c>.</param>
/// <param name="RequestType">Serialises the request (source-generated, no reflection).</param>
/// <param name="ResponseType">Deserialises the response; null for operations whose answer carries nothing used.</param>
internal sealed record KinesisOperation<TRequest, TResponse>(string Name, JsonTypeInfo<TRequest> RequestType, JsonTypeInfo<TResponse>? ResponseType)
    where TResponse : class;
