using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace KinesisAttrib.Cli.Tests.Emulators;

/// <summary>
/// Loads <c>Fixtures/java-kcl-leases.json</c> (items in DynamoDB's JSON form, as the Java KCL writes them) into a new
/// table with the low-level client, so the tool reads items that no KinesisAttrib code wrote.
/// </summary>
internal static class JavaKclFixture
{
    public static async Task LoadAsync(IAmazonDynamoDB dynamo, string table)
    {
        await dynamo.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            AttributeDefinitions = [new AttributeDefinition("leaseKey", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("leaseKey", KeyType.HASH)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        });
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "java-kcl-leases.json")));
        foreach (var element in document.RootElement.GetProperty("items").EnumerateArray())
        {
            var item = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
            foreach (var attribute in element.EnumerateObject())
            {
                var typed = attribute.Value.EnumerateObject().Single();
                item[attribute.Name] = typed.Name switch
                {
                    "S" => new AttributeValue { S = typed.Value.GetString() },
                    "N" => new AttributeValue { N = typed.Value.GetString() },
                    "SS" => new AttributeValue { SS = [.. typed.Value.EnumerateArray().Select(v => v.GetString()!)] },
                    _ => throw new InvalidDataException($"fixture attribute type {typed.Name} is not handled"),
                };
            }

            await dynamo.PutItemAsync(new PutItemRequest { TableName = table, Item = item });
        }
    }
}
