using System.Text.Json;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.Benchmarks.HotPath;

/// <summary>
/// A hand-written <see cref="Utf8JsonReader"/> parser for <see cref="Order"/>: the floor of the hot-path benchmark,
/// and a user deserializer (<c>Deserializer = typeof(OrderParser)</c>) to show the framework's own cost over it.
/// </summary>
public sealed class OrderParser : IRecordDeserializer<Order>
{
    public Order Deserialize(KinesisClientRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Parse(record.Data);
    }

    public static Order Parse(ReadOnlyMemory<byte> data)
    {
        var reader = new Utf8JsonReader(data.Span);
        var order = new Order();
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("orderId"u8))
            {
                reader.Read();
                order.OrderId = reader.GetString()!;
            }
            else if (reader.ValueTextEquals("customerId"u8))
            {
                reader.Read();
                order.CustomerId = reader.GetString()!;
            }
            else if (reader.ValueTextEquals("sku"u8))
            {
                reader.Read();
                order.Sku = reader.GetString()!;
            }
            else if (reader.ValueTextEquals("quantity"u8))
            {
                reader.Read();
                order.Quantity = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("price"u8))
            {
                reader.Read();
                order.Price = reader.GetDecimal();
            }
            else if (reader.ValueTextEquals("currency"u8))
            {
                reader.Read();
                order.Currency = reader.GetString()!;
            }
            else if (reader.ValueTextEquals("createdAt"u8))
            {
                reader.Read();
                order.CreatedAt = reader.GetDateTimeOffset();
            }
            else if (reader.ValueTextEquals("note"u8))
            {
                reader.Read();
                order.Note = reader.GetString()!;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return order;
    }
}
