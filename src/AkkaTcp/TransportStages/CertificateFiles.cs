using System.Security.Cryptography.X509Certificates;
using AkkaTcp.Configuration;

namespace AkkaTcp.TransportStages;

/// <summary>
/// Where one server certificate comes from: a PEM certificate (its chain may follow it in the
/// same file) with a PEM key, or a PKCS#12 file with its password; and the SNI names it serves
/// (none: the default certificate). Knows when its files last changed, to reload them.
/// </summary>
internal sealed record CertificateFiles(string Certificate, string Key, string Password, IReadOnlyList<string> ServerNames, string ConfigKey)
{
    public static CertificateFiles Read(ConfigReader config, IReadOnlyList<string> serverNames)
    {
        var certificate = config.String("certificate");
        if (certificate.Length == 0)
            throw new InvalidConfigException(config.FullKey("certificate"), "", "TLS needs a certificate: a PEM file (with key = its PEM key) or a PKCS#12 file (.pfx/.p12, with its password)");
        return new CertificateFiles(certificate, config.OptionalString("key"), config.OptionalString("password"), serverNames, config.FullKey("certificate"));
    }

    private bool IsPkcs12 => Key.Length == 0 && (Certificate.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || Certificate.EndsWith(".p12", StringComparison.OrdinalIgnoreCase));

    /// <summary>The files' last write times together, to notice a change (either file, or a replaced one).</summary>
    public long Stamp()
    {
        var stamp = File.GetLastWriteTimeUtc(Certificate).Ticks;
        if (Key.Length > 0)
            stamp ^= File.GetLastWriteTimeUtc(Key).Ticks * 31;
        return stamp;
    }

    /// <summary>Loads the certificate with its private key, and the chain certificates after it.</summary>
    public (X509Certificate2 Certificate, X509Certificate2Collection Chain) Load()
    {
        if (IsPkcs12)
        {
            var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(Certificate, Password.Length == 0 ? null : Password);
            var leaf = all.FirstOrDefault(c => c.HasPrivateKey)
                ?? throw new InvalidConfigException(ConfigKey, Certificate, "the PKCS#12 file holds no certificate with a private key");
            all.Remove(leaf);
            return (leaf, all);
        }
        var key = Key.Length == 0 ? Certificate : Key;
        var certificate = Password.Length == 0
            ? X509Certificate2.CreateFromPemFile(Certificate, key)
            : X509Certificate2.CreateFromEncryptedPemFile(Certificate, Password, key);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(Certificate);
        var self = chain.FirstOrDefault(c => c.Thumbprint == certificate.Thumbprint);
        if (self is not null)
            chain.Remove(self);
        return (certificate, chain);
    }
}
