using System.Text;
using AkkaTcp.Keyspace;
using Xunit;

namespace AkkaTcp.Tests.Keyspace;

/// <summary>KEYS patterns as Redis's stringmatchlen matches them, in bounded time.</summary>
public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("*", "", false)] // as stringmatchlen; KEYS * lists an empty key by its own shortcut
    [InlineData("*", "anything", true)]
    [InlineData("h?llo", "hello", true)]
    [InlineData("h?llo", "hllo", false)]
    [InlineData("h*llo", "heeeello", true)]
    [InlineData("h[ae]llo", "hallo", true)]
    [InlineData("h[ae]llo", "hillo", false)]
    [InlineData("h[^e]llo", "hallo", true)]
    [InlineData("h[^e]llo", "hello", false)]
    [InlineData("h[a-b]llo", "hbllo", true)]
    [InlineData("h[b-a]llo", "hallo", true)]
    [InlineData("h\\*llo", "h*llo", true)]
    [InlineData("h\\*llo", "hello", false)]
    [InlineData("a*", "a", true)]
    [InlineData("a*b*", "ab", true)]
    [InlineData("*b", "ab", true)]
    [InlineData("a*?", "a", false)]
    [InlineData("[abc", "c", true)] // an unterminated class takes the rest of the pattern
    [InlineData("key:*:end", "key:1:2:end", true)]
    public void Patterns_match_as_in_redis(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, GlobPattern.Matches(Encoding.ASCII.GetBytes(pattern), Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public async Task A_pattern_built_to_backtrack_finishes_and_does_not_match()
    {
        // 40 'a's against "a*a*...*b" with 20 stars: a naive matcher tries ~10^11 splits.
        var key = Encoding.ASCII.GetBytes(new string('a', 40));
        var pattern = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("a*", 20)) + "b");
        var matched = await Task.Run(() => GlobPattern.Matches(pattern, key)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(matched);
        Assert.True(GlobPattern.Matches(pattern[..^1], key));
    }

    [Fact]
    public void Patterns_nested_deeper_than_redis_allows_match_nothing()
    {
        var key = Encoding.ASCII.GetBytes(new string('a', 2000));
        Assert.True(GlobPattern.Matches(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("a*", 900))), key));
        Assert.False(GlobPattern.Matches(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("a*", 1100))), key));
    }
}
