namespace Sesame.Host.CommandLine;

/// <summary>What a command's exit code means; scripts may rely on these (docs/operations.md).</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The command line itself is wrong (unknown command or option, missing argument); help is printed.</summary>
    public const int Usage = 1;

    /// <summary>The pool, client, user or message named does not exist (ResourceNotFoundException, UserNotFoundException).</summary>
    public const int NotFound = 2;

    /// <summary>Refused with a Cognito error (invalid value, username exists, …); the error's name and message are printed.</summary>
    public const int Refused = 3;

    /// <summary>The configuration is invalid; every failing setting is named.</summary>
    public const int Configuration = 4;

    /// <summary>The store could not be reached or failed.</summary>
    public const int Unavailable = 5;

    /// <summary>An import finished, but some rows were rejected (their line numbers and reasons are printed).</summary>
    public const int RowsRejected = 6;

    /// <summary>Interrupted (Ctrl+C); an import can be run again and resumes.</summary>
    public const int Interrupted = 130;
}
