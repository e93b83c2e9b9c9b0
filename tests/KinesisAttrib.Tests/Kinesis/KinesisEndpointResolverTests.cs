using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Tests.Kinesis;

public sealed class KinesisEndpointResolverTests
{
    private static (string Region, Uri Endpoint) Resolve(Uri? serviceUrl, string? region, Dictionary<string, string>? env = null, string? profileRegion = null)
    {
        var variables = env ?? [];
        var asked = new List<string>();
        return KinesisEndpointResolver.Resolve(serviceUrl, region, name => variables.GetValueOrDefault(name), profile =>
        {
            asked.Add(profile);
            return profileRegion;
        });
    }

    [Fact]
    public void ExplicitConfiguration_WinsOverTheEnvironment()
    {
        var env = new Dictionary<string, string>
        {
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_ENDPOINT_URL_KINESIS"] = "http://127.0.0.1:1111",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:2222",
        };

        var (region, endpoint) = Resolve(new Uri("http://127.0.0.1:4567"), "ap-southeast-2", env);

        Assert.Equal("ap-southeast-2", region);
        Assert.Equal(new Uri("http://127.0.0.1:4567"), endpoint);
    }

    [Fact]
    public void TheKinesisEndpointVariable_WinsOverTheGlobalOne_AndPlainHttpIsAllowedForIt()
    {
        var env = new Dictionary<string, string>
        {
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_ENDPOINT_URL_KINESIS"] = "http://127.0.0.1:1111",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:2222",
        };

        Assert.Equal(new Uri("http://127.0.0.1:1111"), Resolve(null, null, env).Endpoint);
        env.Remove("AWS_ENDPOINT_URL_KINESIS");
        Assert.Equal(new Uri("http://127.0.0.1:2222"), Resolve(null, null, env).Endpoint);
    }

    [Fact]
    public void IgnoreConfiguredEndpointUrls_FallsBackToTheRegionalHttpsEndpoint()
    {
        var env = new Dictionary<string, string>
        {
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_ENDPOINT_URL_KINESIS"] = "http://127.0.0.1:1111",
            ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true",
        };

        Assert.Equal(new Uri("https://kinesis.eu-west-1.amazonaws.com/"), Resolve(null, null, env).Endpoint);
    }

    [Theory]
    [InlineData("us-east-1", "https://kinesis.us-east-1.amazonaws.com/")]
    [InlineData("cn-north-1", "https://kinesis.cn-north-1.amazonaws.com.cn/")]
    [InlineData("us-gov-west-1", "https://kinesis.us-gov-west-1.amazonaws.com/")]
    public void WithoutAConfiguredEndpoint_TheDefaultIsAlwaysHttps(string region, string expected)
    {
        var endpoint = Resolve(null, region).Endpoint;

        Assert.Equal(new Uri(expected), endpoint);
        Assert.Equal(Uri.UriSchemeHttps, endpoint.Scheme);
    }

    [Fact]
    public void Region_ComesFromAwsRegion_ThenAwsDefaultRegion_ThenTheProfile()
    {
        var env = new Dictionary<string, string> { ["AWS_REGION"] = "eu-west-1", ["AWS_DEFAULT_REGION"] = "eu-west-2", ["AWS_PROFILE"] = "ops" };
        Assert.Equal("eu-west-1", Resolve(null, null, env, profileRegion: "eu-west-3").Region);

        env.Remove("AWS_REGION");
        Assert.Equal("eu-west-2", Resolve(null, null, env, profileRegion: "eu-west-3").Region);

        env.Remove("AWS_DEFAULT_REGION");
        Assert.Equal("eu-west-3", Resolve(null, null, env, profileRegion: "eu-west-3").Region);
    }

    [Fact]
    public void TheProfileLookup_UsesAwsProfile_OrDefault()
    {
        var asked = new List<string>();
        KinesisEndpointResolver.Resolve(null, null, name => name == "AWS_PROFILE" ? "ops" : null, p => { asked.Add(p); return "us-west-2"; });
        KinesisEndpointResolver.Resolve(null, null, _ => null, p => { asked.Add(p); return "us-west-2"; });

        Assert.Equal(["ops", "default"], asked);
    }

    [Fact]
    public void NoRegionAnywhere_IsAClearErrorNamingEveryPlaceARegionCanComeFrom()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Resolve(null, null, new() { ["AWS_PROFILE"] = "ops" }));

        Assert.Contains("No AWS region for Kinesis", error.Message, StringComparison.Ordinal);
        Assert.Contains("KinesisAttribOptions.Region", error.Message, StringComparison.Ordinal);
        Assert.Contains("AWS_REGION", error.Message, StringComparison.Ordinal);
        Assert.Contains("AWS profile 'ops'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("us-east-1.evil.com/x")]
    [InlineData("US East")]
    public void ARegionThatIsNotARegionName_IsRejectedNamingItsSource(string region)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Resolve(null, null, new() { ["AWS_REGION"] = region }));

        Assert.Contains("AWS_REGION", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AWS_ENDPOINT_URL_KINESIS", "127.0.0.1:4567")]
    [InlineData("AWS_ENDPOINT_URL", "ftp://127.0.0.1/")]
    public void AMalformedEndpointVariable_IsAClearErrorNamingTheVariable(string variable, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Resolve(null, "us-east-1", new() { [variable] = value }));

        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheProfileReader_ReadsTheRegionOfANamedProfileFromTheSharedConfigFile()
    {
        var directory = Directory.CreateTempSubdirectory("kinesisattrib-profile-");
        try
        {
            var config = Path.Combine(directory.FullName, "config");
            var credentials = Path.Combine(directory.FullName, "credentials");
            File.WriteAllText(config, "[default]\nregion = eu-north-1\n\n[profile ops]\nregion = ap-south-1\n");
            File.WriteAllText(credentials, "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = x\n\n[ops]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = x\n");

            Assert.Equal("ap-south-1", KinesisEndpointResolver.ProfileRegion("ops", credentials));
            Assert.Equal("eu-north-1", KinesisEndpointResolver.ProfileRegion("default", credentials));
            Assert.Null(KinesisEndpointResolver.ProfileRegion("nope", credentials));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
