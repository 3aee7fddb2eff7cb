using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>SINTER, SUNION and SDIFF over sets (a missing key is the empty set), wherever the sets came from.</summary>
internal static class SetAlgebra
{
    /// <summary>A set to combine: a partition's own set, or the members another partition sent.</summary>
    public sealed class Members
    {
        private readonly SlotMap<bool>? _local;
        private readonly HashSet<byte[]>? _received;

        public Members(SetValue set) => _local = set.Members;

        public Members(HashSet<byte[]> members) => _received = members;

        public int Count => _local?.Count ?? _received!.Count;

        public bool Contains(byte[] member) => _local?.ContainsKey(member) ?? _received!.Contains(member);

        public IEnumerable<byte[]> All => _received ?? _local!.Pairs().Select(pair => pair.Key);
    }

    public static RespValue Compute(ReadOnlySpan<byte> command, IReadOnlyList<Members?> sets)
    {
        var result = new HashSet<byte[]>(ByteKeyComparer.Instance);
        if (Arg.Is(command, "SUNION"u8))
        {
            foreach (var set in sets)
            {
                if (set is not null)
                    result.UnionWith(set.All);
            }
        }
        else if (Arg.Is(command, "SDIFF"u8))
        {
            if (sets[0] is { } first)
                result.UnionWith(first.All);
            for (var i = 1; i < sets.Count && result.Count > 0; i++)
            {
                if (sets[i] is { } other)
                    result.RemoveWhere(other.Contains);
            }
        }
        else
        {
            foreach (var set in sets)
            {
                if (set is null)
                    return RespValue.EmptyArray;
            }
            var smallest = sets.MinBy(set => set!.Count)!;
            foreach (var member in smallest.All)
            {
                var everywhere = true;
                foreach (var set in sets)
                    everywhere &= ReferenceEquals(set, smallest) || set!.Contains(member);
                if (everywhere)
                    result.Add(member);
            }
        }
        return RespValue.BulkArray([.. result]);
    }
}
