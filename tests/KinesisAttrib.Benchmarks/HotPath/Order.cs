using System.Text.Json.Serialization;

namespace KinesisAttrib.Benchmarks.HotPath;

/// <summary>The benchmark payload: about 200 bytes of JSON per record.</summary>
public sealed class Order
{
    public string OrderId { get; set; } = "";

    public string CustomerId { get; set; } = "";

    public string Sku { get; set; } = "";

    public int Quantity { get; set; }

    public decimal Price { get; set; }

    public string Currency { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public string Note { get; set; } = "";
}

/// <summary>Source-generated metadata for <see cref="Order"/>, named on the generated handlers.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Order))]
public sealed partial class OrderJsonContext : JsonSerializerContext;
