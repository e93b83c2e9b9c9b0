using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KinesisAttrib.Processing;

/// <summary>
/// Tells whether a decoded record was a JSON object none of whose properties names a property of the payload type: such
/// an object decodes to an empty payload, which is almost always a naming mismatch between producer and consumer.
/// </summary>
/// <remarks>
/// It reads only the object's top-level property names and stops at the first known one, usually the first, so a record
/// that matches costs one short scan and no allocation. It works the same for setters and constructor parameters
/// because it looks at the JSON, not at how System.Text.Json fills the object.
/// </remarks>
internal sealed class UnmatchedJsonObjectCheck
{
    /// <summary>How many unmatched names a failure message lists.</summary>
    private const int NamesInMessage = 5;

    /// <summary>Names up to this many UTF-8 bytes are unescaped on the stack.</summary>
    private const int StackNameLength = 128;

    // An array, not a set: the span lookups of sets need .NET 9, and payload types have few properties; comparing the
    // lengths first makes a miss cheap.
    private readonly string[] _known;

    // The same names as UTF-8 when all are ASCII (nearly always): a name that is not escaped is then compared as bytes,
    // without unescaping it to chars first. Null when some name is not ASCII.
    private readonly byte[][]? _asciiKnown;
    private readonly JsonReaderOptions _readerOptions;
    private readonly string _typeName;
    private readonly StringComparison _comparison;

    private UnmatchedJsonObjectCheck(string[] known, JsonSerializerOptions options, string typeName)
    {
        _known = known;
        _asciiKnown = known.All(name => Ascii.IsValid(name)) ? [.. known.Select(name => Encoding.ASCII.GetBytes(name))] : null;
        _readerOptions = new JsonReaderOptions
        {
            AllowTrailingCommas = options.AllowTrailingCommas,
            CommentHandling = options.ReadCommentHandling,
            MaxDepth = options.MaxDepth,
        };
        _typeName = typeName;
        _comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
    }

    /// <summary>
    /// The check for a payload type, or null where it does not apply: the type is not decoded as an object with
    /// properties (collections, primitives, custom converters), it keeps unknown properties (<c>[JsonExtensionData]</c>),
    /// or it is polymorphic (the derived types' properties are not all known here).
    /// </summary>
    public static UnmatchedJsonObjectCheck? For(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object || typeInfo.PolymorphismOptions is not null || typeInfo.Properties.Count == 0)
        {
            return null;
        }

        var known = new List<string>(typeInfo.Properties.Count);
        foreach (var property in typeInfo.Properties)
        {
            if (property.IsExtensionData)
            {
                return null;
            }

            known.Add(property.Name);
        }

        return new UnmatchedJsonObjectCheck([.. known], typeInfo.Options, typeInfo.Type.Name);
    }

    /// <summary>
    /// Throws <see cref="JsonException"/> when <paramref name="json"/> (already decoded once, so well formed) is an
    /// object with at least one property and none of them is known. <c>{}</c> passes: it says "no fields" on purpose.
    /// </summary>
    public void ThrowIfNoPropertyMatches(ReadOnlySpan<byte> json, string sequenceNumber)
    {
        var reader = new Utf8JsonReader(json, _readerOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        var sawProperty = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (IsKnown(ref reader))
            {
                return;
            }

            sawProperty = true;
            reader.Read();
            reader.Skip();
        }

        if (sawProperty)
        {
            throw new JsonException(Message(json, sequenceNumber));
        }
    }

    private bool IsKnown(ref Utf8JsonReader reader)
    {
        if (_asciiKnown is not null && !reader.ValueIsEscaped)
        {
            var raw = reader.ValueSpan;
            var ignoreCase = _comparison == StringComparison.OrdinalIgnoreCase;
            foreach (var known in _asciiKnown)
            {
                if (known.Length == raw.Length && (ignoreCase ? Ascii.EqualsIgnoreCase(raw, known) : raw.SequenceEqual(known)))
                {
                    return true;
                }
            }

            // Bytes decide unless case is ignored and the name has non-ASCII letters, whose case folding may reach ASCII.
            if (!ignoreCase || Ascii.IsValid(raw))
            {
                return false;
            }
        }

        var length = reader.ValueSpan.Length;
        Span<char> name = length <= StackNameLength ? stackalloc char[StackNameLength] : new char[length];
        name = name[..reader.CopyString(name)];
        foreach (var known in _known)
        {
            if (known.Length == name.Length && name.Equals(known, _comparison))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The failure path only: a second scan collects a few of the unmatched names for the message.</summary>
    private string Message(ReadOnlySpan<byte> json, string sequenceNumber)
    {
        var reader = new Utf8JsonReader(json, _readerOptions);
        reader.Read();
        var names = new List<string>();
        var count = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (names.Count < NamesInMessage)
            {
                names.Add(reader.GetString()!);
            }

            count++;
            reader.Read();
            reader.Skip();
        }

        var listed = string.Join(", ", names.Select(n => $"\"{n}\"")) + (count > names.Count ? $" and {count - names.Count} more" : "");
        var expected = string.Join(", ", _known.Order(StringComparer.Ordinal).Take(NamesInMessage).Select(n => $"\"{n}\""))
            + (_known.Length > NamesInMessage ? ", …" : "");
        var matching = _comparison == StringComparison.OrdinalIgnoreCase ? "ignoring case" : "case-sensitively (JsonPropertyNamesCaseSensitive)";
        return $"Record {sequenceNumber} is a JSON object none of whose properties ({listed}) is a property of {_typeName} ({expected}; names compared {matching}), "
            + $"so it would decode as an empty {_typeName}. Check that the producer writes this type, and the property names: [JsonPropertyName] on {_typeName} or the naming policy of its JsonSerializerContext.";
    }
}
