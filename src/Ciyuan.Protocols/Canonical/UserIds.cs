using System.Security.Cryptography;
using System.Text;

namespace Ciyuan.Protocols.Canonical;

/// <summary>
/// End-user ids for vendors that restrict them (DeepSeek's <c>user_id</c>: letters, digits, <c>_</c>
/// and <c>-</c>). A conforming id passes as it is; any other (Claude Code sends a JSON object as its
/// user id) becomes the hex SHA-256 of it, which keeps one end user apart from another.
/// </summary>
internal static class UserIds
{
    private const int MaxLength = 64;

    public static string Restricted(string userId)
    {
        if (userId.Length is > 0 and <= MaxLength && userId.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            return userId;
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userId)));
    }
}
