using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ciyuan.Providers.Profiles;

/// <summary>
/// Applies a <see cref="ProviderProfile"/> to an OpenAI-dialect request about to go upstream.
/// Rules that cannot keep the client's meaning reject with the field named; rules that can are
/// rewrites, each one listed. Untouched members are copied byte for byte.
/// </summary>
public static class RequestRules
{
    public static RuleResult Apply(ProviderProfile profile, string upstreamModel, ReadOnlySpan<byte> openAIBody, bool stream)
    {
        // Fast path: self-hosted and generic kinds have no request rules, so the body is not even read.
        if (!profile.HasRequestRules)
        {
            return RuleResult.Unchanged;
        }

        var request = TopLevelObject.Read(openAIBody);
        if (request is null)
        {
            // Invalid JSON is reported by the request scanner before routing; nothing to do here.
            return RuleResult.Unchanged;
        }

        var rejection = CheckFixedParameters(profile, upstreamModel, openAIBody, request)
            ?? ThinkingRules.CheckAlwaysOn(profile, upstreamModel, openAIBody, request)
            ?? CheckStopBytes(profile, openAIBody, request);
        if (rejection is not null)
        {
            return rejection;
        }

        var rewriter = new ObjectRewriter(request);
        rejection = ApplyTemperature(profile, openAIBody, request, rewriter) ?? ApplyToolChoice(profile, openAIBody, request, rewriter);
        if (rejection is not null)
        {
            return rejection;
        }

        StripParameters(profile, openAIBody, request, rewriter);
        ApplyMaxTokensField(profile, openAIBody, request, rewriter);
        ApplyStreamOptions(profile, openAIBody, request, rewriter);
        ApplyStopCount(profile, openAIBody, request, rewriter);
        ThinkingRules.Translate(profile, openAIBody, request, rewriter, stream);

        return rewriter.HasEdits ? RuleResult.Rewritten(rewriter.Write(openAIBody), rewriter.Changes) : RuleResult.Unchanged;
    }

    // Kimi K3: "400 invalid temperature: only 1 is allowed for this model". Rejected rather than
    // overwritten: a client asking for 0.3 wants near-deterministic output and should know it cannot have it.
    private static RuleResult? CheckFixedParameters(ProviderProfile profile, string model, ReadOnlySpan<byte> body, TopLevelObject request)
    {
        foreach (var (name, required) in profile.FixedParameters)
        {
            var index = request.IndexOf(body, name);
            if (index >= 0 && JsonValues.TryGetNumber(body[request.Members[index].Value], out var value) && value != required)
            {
                return RuleResult.Rejected(name, string.Create(CultureInfo.InvariantCulture, $"{model} only accepts {name} = {required}; got {value}."));
            }
        }

        return null;
    }

    private static RuleResult? ApplyTemperature(ProviderProfile profile, ReadOnlySpan<byte> body, TopLevelObject request, ObjectRewriter rewriter)
    {
        var index = profile.Temperature is null ? -1 : request.IndexOf(body, "temperature");
        if (index < 0 || !JsonValues.TryGetNumber(body[request.Members[index].Value], out var value) || profile.Temperature!.Contains(value))
        {
            return null;
        }

        var rule = profile.Temperature;
        if (!rule.Clamp)
        {
            return RuleResult.Rejected("temperature", string.Create(CultureInfo.InvariantCulture, $"{profile.Kind} accepts temperature in {rule.Describe()}; got {value}."));
        }

        var clamped = rule.ClampValue(value);
        var text = clamped.ToString("R", CultureInfo.InvariantCulture);
        rewriter.Replace(index, "temperature", Encoding.ASCII.GetBytes(text), string.Create(CultureInfo.InvariantCulture, $"temperature {value} clamped to {text}"));
        return null;
    }

    // GLM accepts only tool_choice "auto" (docs/vendors.md, Zhipu GLM / Z.ai: degrading or rejecting
    // are both allowed). Chosen:
    // "none" is degraded by removing tools and tool_choice, which keeps its meaning exactly (the model
    // cannot call a tool it was not given); "required" and a named function are rejected, because
    // "auto" would let the model answer without the call the client depends on.
    private static RuleResult? ApplyToolChoice(ProviderProfile profile, ReadOnlySpan<byte> body, TopLevelObject request, ObjectRewriter rewriter)
    {
        var index = profile.AllowedToolChoices is null ? -1 : request.IndexOf(body, "tool_choice");
        if (index < 0)
        {
            return null;
        }

        var choice = JsonValues.GetString(body[request.Members[index].Value]);
        if (choice is not null && profile.AllowedToolChoices!.Contains(choice))
        {
            return null;
        }

        if (choice == "none")
        {
            rewriter.Remove(index, "removed tool_choice \"none\" (not supported upstream)");
            var tools = request.IndexOf(body, "tools");
            if (tools >= 0)
            {
                rewriter.Remove(tools, "removed tools (tool_choice \"none\" means no tool may be called)");
            }

            return null;
        }

        var shown = choice is null ? "a named function" : $"\"{choice}\"";
        return RuleResult.Rejected("tool_choice", $"{profile.Kind} supports tool_choice {string.Join(" or ", profile.AllowedToolChoices!.Select(c => $"\"{c}\""))} only; {shown} cannot be honoured.");
    }

    private static void StripParameters(ProviderProfile profile, ReadOnlySpan<byte> body, TopLevelObject request, ObjectRewriter rewriter)
    {
        foreach (var name in profile.StrippedParameters)
        {
            var index = request.IndexOf(body, name);
            if (index >= 0)
            {
                rewriter.Remove(index, $"removed {name} (not supported by {profile.Kind})");
            }
        }
    }

    private static void ApplyMaxTokensField(ProviderProfile profile, ReadOnlySpan<byte> body, TopLevelObject request, ObjectRewriter rewriter)
    {
        if (profile.MaxTokensField is not { } wanted)
        {
            return;
        }

        var other = wanted == "max_tokens" ? "max_completion_tokens" : "max_tokens";
        var from = request.IndexOf(body, other);
        if (from < 0)
        {
            return;
        }

        var to = request.IndexOf(body, wanted);
        var fromValue = body[request.Members[from].Value];
        if (to < 0)
        {
            rewriter.Replace(from, wanted, fromValue.ToArray(), $"renamed {other} to {wanted}");
            return;
        }

        // Both sent: keep the stricter limit under the name the vendor honours.
        rewriter.Remove(from, $"removed {other} ({wanted} also present)");
        if (JsonValues.TryGetNumber(fromValue, out var a) && JsonValues.TryGetNumber(body[request.Members[to].Value], out var b) && a < b)
        {
            rewriter.Replace(to, wanted, fromValue.ToArray(), $"{wanted} lowered to the {other} value");
        }
    }

    private static void ApplyStreamOptions(ProviderProfile profile, ReadOnlySpan<byte> body, TopLevelObject request, ObjectRewriter rewriter)
    {
        var index = profile.AcceptsStreamOptions ? -1 : request.IndexOf(body, "stream_options");
        if (index >= 0)
        {
            rewriter.Remove(index, $"removed stream_options (not accepted by {profile.Kind}; usage arrives on the last chunk)");
        }
    }

    private static RuleResult? CheckStopBytes(ProviderProfile profile, ReadOnlySpan<byte> body, TopLevelObject request)
    {
        var index = profile.MaxStopBytes is null ? -1 : request.IndexOf(body, "stop");
        if (index < 0)
        {
            return null;
        }

        foreach (var stop in ReadStops(body[request.Members[index].Value]))
        {
            if (Encoding.UTF8.GetByteCount(stop.Text) > profile.MaxStopBytes)
            {
                return RuleResult.Rejected("stop", $"{profile.Kind} accepts stop strings of at most {profile.MaxStopBytes} bytes; \"{stop.Text}\" is longer.");
            }
        }

        return null;
    }

    // Truncate stop to the upstream's maximum count (docs/vendors.md, vendor profiles).
    private static void ApplyStopCount(ProviderProfile profile, ReadOnlySpan<byte> body, TopLevelObject request, ObjectRewriter rewriter)
    {
        var index = profile.MaxStopSequences is null ? -1 : request.IndexOf(body, "stop");
        if (index < 0)
        {
            return;
        }

        var raw = body[request.Members[index].Value];
        var stops = ReadStops(raw);
        var max = profile.MaxStopSequences!.Value;
        if (stops.Count <= max || raw[0] != (byte)'[')
        {
            return;
        }

        var kept = new List<byte>(raw.Length) { (byte)'[' };
        for (var i = 0; i < max; i++)
        {
            if (i > 0)
            {
                kept.Add((byte)',');
            }

            kept.AddRange(raw[stops[i].Raw]);
        }

        kept.Add((byte)']');
        rewriter.Replace(index, "stop", [.. kept], $"stop truncated from {stops.Count} to {max} strings");
    }

    private static List<(string Text, Range Raw)> ReadStops(ReadOnlySpan<byte> raw)
    {
        var stops = new List<(string, Range)>();
        var reader = new Utf8JsonReader(raw);
        if (!reader.Read())
        {
            return stops;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            stops.Add((reader.GetString()!, new Range(0, raw.Length)));
            return stops;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return stops;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            reader.Skip();
            if (text is not null)
            {
                stops.Add((text, new Range(start, (int)reader.BytesConsumed)));
            }
        }

        return stops;
    }
}
