using Upstart.JobFiles.Loading;

namespace Upstart.JobFiles.Tests.Loading;

public sealed class ContentFingerprintTests
{
    [Fact]
    public void Equal_bytes_give_equal_prints_and_any_changed_byte_or_length_a_different_one()
    {
        var text = "start on startup\nexec /bin/true\n"u8.ToArray();
        var print = ContentFingerprint.Of(text);
        Assert.Equal(print, ContentFingerprint.Of(text.ToArray()));

        for (var i = 0; i < text.Length; i++)
        {
            var changed = text.ToArray();
            changed[i] ^= 1;
            Assert.NotEqual(print, ContentFingerprint.Of(changed));
        }

        Assert.NotEqual(print, ContentFingerprint.Of([.. text, 0]));
        Assert.NotEqual(ContentFingerprint.Of([]), ContentFingerprint.Of([0]));
    }
}
