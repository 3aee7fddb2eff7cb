using System.Security.Authentication;
using AkkaTcp.Configuration;

namespace AkkaTcp.Client;

/// <summary>
/// TLS for dialled connections (the <c>tls</c> block of akka-tcp.client; every key explained in
/// client.conf). Validated by default: the server's certificate must chain to a trusted root (the
/// system's, or <see cref="Ca"/>) and carry <see cref="ServerName"/>.
/// </summary>
public sealed record ClientTlsSettings
{
    public static readonly ClientTlsSettings Off = new();

    public bool Enabled { get; init; }

    /// <summary>The name sent as SNI and checked in the server's certificate; empty: the address dialled.</summary>
    public string ServerName { get; init; } = "";

    /// <summary>A PEM file of the CA certificates to trust instead of the system's; empty: the system's.</summary>
    public string Ca { get; init; } = "";

    /// <summary>A client certificate: PEM (key in <see cref="ClientKey"/>) or PKCS#12 (with <see cref="ClientPassword"/>); empty: none.</summary>
    public string ClientCertificate { get; init; } = "";

    public string ClientKey { get; init; } = "";

    public string ClientPassword { get; init; } = "";

    /// <summary>Accept any server certificate. For tests against self-signed servers only: it gives up what TLS is for.</summary>
    public bool AllowUntrusted { get; init; }

    public SslProtocols Protocols { get; init; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    internal static ClientTlsSettings Read(ConfigReader config)
    {
        if (!config.Bool("enabled"))
            return Off;
        return new ClientTlsSettings
        {
            Enabled = true,
            ServerName = config.String("server-name"),
            Ca = config.String("ca"),
            ClientCertificate = config.String("client-certificate"),
            ClientKey = config.String("client-key"),
            ClientPassword = config.String("client-password"),
            AllowUntrusted = config.Bool("allow-untrusted"),
        };
    }
}
