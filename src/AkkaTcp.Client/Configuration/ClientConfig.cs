using Akka.Configuration;

namespace AkkaTcp.Client;

/// <summary>The client's embedded defaults (client.conf, every key explained there).</summary>
public static class ClientConfig
{
    private static readonly Lazy<Config> ReferenceConfig = new(() =>
    {
        using var stream = typeof(ClientConfig).Assembly.GetManifestResourceStream("AkkaTcp.Client.client.conf")
            ?? throw new InvalidOperationException("AkkaTcp.Client.client.conf is not embedded in the AkkaTcp.Client assembly");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    public static Config Reference => ReferenceConfig.Value;
}
