namespace Ciyuan.Testing.Clients;

/// <summary>A command line to run: the program, its arguments, where, with which extra environment, and for how long at most.</summary>
public sealed record CliCommand(string Program, IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment, TimeSpan Timeout);
