using System.Security.Authentication;
using AkkaTcp.TransportStages;

namespace AkkaTcp.Configuration;

/// <summary>
/// A server's TLS (the <c>tls</c> block; defaults and reasons in reference.conf). Certificates
/// are loaded when the settings are read, so a missing or unreadable file is a configuration
/// error at start, and are then watched: new connections get a changed file's certificate.
/// </summary>
public sealed record TlsSettings
{
    public static readonly TlsSettings Off = new() { Enabled = false, Protocols = SslProtocols.None, ClientCertificate = ClientCertificateMode.None };

    public required bool Enabled { get; init; }

    /// <summary>TLS versions offered (default TLS 1.2 and 1.3).</summary>
    public required SslProtocols Protocols { get; init; }

    public required ClientCertificateMode ClientCertificate { get; init; }

    /// <summary>The certificates, with the SNI names each serves; null when TLS is off.</summary>
    internal ServerCertificates? Certificates { get; init; }

    internal static TlsSettings Read(ConfigReader config)
    {
        if (!config.Bool("enabled"))
        {
            // Off: SNI entries are not checked, but their keys are known (they are the user's labels).
            foreach (var label in config.Keys("sni"))
            {
                var entry = config.Section("sni").Section(label);
                foreach (var key in (string[])["certificate", "key", "password"])
                    entry.OptionalString(key);
                entry.StringList("server-names");
            }
            return Off;
        }
        var protocols = SslProtocols.None;
        foreach (var name in config.StringList("protocols"))
        {
            protocols |= name switch
            {
                "tls12" => SslProtocols.Tls12,
                "tls13" => SslProtocols.Tls13,
                _ => throw new InvalidConfigException(config.FullKey("protocols"), name, "each must be tls12 or tls13"),
            };
        }
        if (protocols == SslProtocols.None)
            throw new InvalidConfigException(config.FullKey("protocols"), "[]", "must name tls12, tls13 or both");
        var mode = config.OneOf("client-certificate", "none", "optional", "required") switch
        {
            "optional" => ClientCertificateMode.Optional,
            "required" => ClientCertificateMode.Required,
            _ => ClientCertificateMode.None,
        };
        var clientCa = config.String("client-ca");
        if (mode != ClientCertificateMode.None && clientCa.Length == 0)
            throw new InvalidConfigException(config.FullKey("client-ca"), "", "a client-certificate mode needs the CA (PEM) that signs client certificates");
        var files = new List<CertificateFiles> { CertificateFiles.Read(config, []) };
        foreach (var label in config.Keys("sni"))
        {
            var entry = config.Section("sni").Section(label);
            var names = entry.StringList("server-names");
            if (names.Count == 0)
                throw new InvalidConfigException(entry.FullKey("server-names"), "[]", "must list the server names (SNI) this certificate serves, e.g. [\"api.example.com\", \"*.example.com\"]");
            files.Add(CertificateFiles.Read(entry, names));
        }
        return new TlsSettings
        {
            Enabled = true,
            Protocols = protocols,
            ClientCertificate = mode,
            Certificates = ServerCertificates.Load(files, protocols, mode, clientCa.Length == 0 ? null : clientCa,
                config.Duration("reload-check-interval", TimeSpan.Zero, TimeSpan.FromDays(1)), config.FullKey("certificate")),
        };
    }
}

/// <summary>Whether a TLS server asks its clients for a certificate.</summary>
public enum ClientCertificateMode
{
    /// <summary>Not asked for.</summary>
    None,
    /// <summary>Asked for; a client without one is served, one with a certificate the CA did not sign is refused.</summary>
    Optional,
    /// <summary>A client without a certificate signed by client-ca fails the handshake.</summary>
    Required,
}
