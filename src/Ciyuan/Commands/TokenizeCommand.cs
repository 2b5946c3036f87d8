using System.CommandLine;
using Ciyuan.Core.Catalog;
using Ciyuan.Gateway.Setup;
using Ciyuan.Gateway.State;

namespace Ciyuan.Commands;

/// <summary><c>ciyuan tokenize --model NAME [--ids]</c>: counts (or lists the ids of) the text on standard input.</summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A configured model (its deployment's tokenizer family is used) or a family name such as qwen3", Required = true };
        var ids = new Option<bool>("--ids") { Description = "Print the token ids, one per line" };
        var command = new Command("tokenize", "Count the tokens of standard input with a model's exact tokenizer") { model, ids };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = CiyuanPaths.Resolve(parse.GetValue(CommonOptions.Config), Environment.GetEnvironmentVariable);
            var state = new GatewayState(CiyuanConfigSource.Load(paths), ModelCatalog.Builtin);
            var counter = new TokenCounter(state);
            var name = parse.GetValue(model)!;
            var tokenizer = state.Aliases.TryGetValue(name, out var alias) ? counter.For(alias) : Tokenizers.TokenizerRegistry.Shared.Get(name);
            var text = await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(ids))
            {
                if (!tokenizer.IsExact)
                {
                    await Console.Error.WriteLineAsync($"'{name}' has no exact tokenizer (family '{tokenizer.Family}'); ids are unavailable. Supply its file under tokenizers: in ciyuan.yaml.").ConfigureAwait(false);
                    return 1;
                }

                foreach (var id in tokenizer.EncodeToIds(text))
                {
                    Console.WriteLine(id);
                }

                return 0;
            }

            var count = tokenizer.CountTokens(text);
            Console.WriteLine(count);
            await Console.Error.WriteLineAsync(tokenizer.IsExact
                ? $"{count} tokens ({tokenizer.Family}, exact)"
                : $"{count} tokens (ESTIMATE: no tokenizer file for family '{tokenizer.Family}')").ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
