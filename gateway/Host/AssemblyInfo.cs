using System.Runtime.CompilerServices;

// the command-line client's argument parsing and output are tested directly (tests/Engine.Tests/Gateway/Client)
[assembly: InternalsVisibleTo("Engine.Tests")]
