using System.Security.Cryptography.X509Certificates;

namespace AkkaTcp.TransportStages;

/// <summary>
/// Whether a peer's certificate chains to roots of our own (client-ca on a server, ca on a
/// client) rather than the system's: revocation is not checked (offline; no CRL or OCSP fetch
/// during a handshake).
/// </summary>
internal static class CustomTrust
{
    /// <param name="intermediates">Certificates the peer sent along, to complete the chain.</param>
    /// <param name="problems">Why it does not chain, when it does not.</param>
    public static bool Chains(X509Certificate2 certificate, X509Certificate2Collection roots, X509Certificate2Collection? intermediates, out string problems)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (intermediates is not null)
            chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        var chains = chain.Build(certificate);
        problems = chains ? "" : Describe(chain);
        return chains;
    }

    /// <summary>A chain's failures, named once each (e.g. "UntrustedRoot, PartialChain").</summary>
    public static string Describe(X509Chain? chain) =>
        string.Join(", ", chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct() ?? []);
}
