using Amazon.DynamoDBv2;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Leases;

/// <summary>
/// Creates a <see cref="DynamoDbLeaseStore"/> per application whose table is named after the application, as the
/// KCL does, so an existing KCL application's table (and its checkpoints) is picked up as is.
/// </summary>
public sealed class DynamoDbLeaseStoreFactory : ILeaseStoreFactory, IDisposable
{
    private readonly IAmazonDynamoDB _client;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly bool _ownsClient;

    /// <summary>Creates the factory.</summary>
    /// <param name="client">The DynamoDB client shared by every store; the caller owns it.</param>
    /// <param name="loggerFactory">Gives each store a logger; none when null.</param>
    public DynamoDbLeaseStoreFactory(IAmazonDynamoDB client, ILoggerFactory? loggerFactory = null)
        : this(client, loggerFactory, ownsClient: false)
    {
    }

    /// <summary>Creates the factory; when <paramref name="ownsClient"/> is true, <see cref="Dispose"/> disposes the client.</summary>
    internal DynamoDbLeaseStoreFactory(IAmazonDynamoDB client, ILoggerFactory? loggerFactory, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _loggerFactory = loggerFactory;
        _ownsClient = ownsClient;
    }

    /// <summary>Disposes the DynamoDB client if this factory created it (the default registration does); otherwise does nothing.</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">
    /// The application name is not a valid DynamoDB table name (3 to 255 characters of <c>a-z A-Z 0-9 _ - .</c>).
    /// </exception>
    public ILeaseStore Create(string applicationName)
    {
        ValidateTableName(applicationName);
        return new DynamoDbLeaseStore(_client, applicationName, _loggerFactory?.CreateLogger<DynamoDbLeaseStore>());
    }

    /// <summary>Throws when <paramref name="applicationName"/> cannot name a DynamoDB table.</summary>
    internal static void ValidateTableName(string applicationName)
    {
        ArgumentNullException.ThrowIfNull(applicationName);
        if (applicationName.Length is < 3 or > 255)
        {
            throw new ArgumentException(
                $"The application name '{applicationName}' is also the DynamoDB lease table's name, which must be 3 to 255 characters long (it is {applicationName.Length}).",
                nameof(applicationName));
        }

        foreach (var c in applicationName)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                throw new ArgumentException(
                    $"The application name '{applicationName}' is also the DynamoDB lease table's name, which may contain only a-z, A-Z, 0-9, '_', '-' and '.' (found '{c}').",
                    nameof(applicationName));
            }
        }
    }
}
