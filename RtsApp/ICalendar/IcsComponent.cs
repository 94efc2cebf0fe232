namespace RtsApp.ICalendar;

/// <summary>
/// One component (<c>BEGIN:NAME</c> … <c>END:NAME</c>) with its properties in order and its nested
/// components. <see cref="IsBroken"/> is true when it was not properly terminated or held a line that
/// is not a content line; such a component is never read, only counted.
/// </summary>
internal sealed class IcsComponent(string name)
{
    /// <summary>Components nested deeper than this are dropped with their parent marked broken: no real
    /// calendar nests more than three levels, and the limit bounds the parser's stack.</summary>
    private const int MaxDepth = 16;

    public string Name { get; } = name;
    public List<ContentLine> Properties { get; } = [];
    public List<IcsComponent> Children { get; } = [];
    /// <summary>True once its own <c>END</c> line was read.</summary>
    public bool IsClosed { get; private set; }
    /// <summary>True when it held a line that is not a content line, a stray <c>END</c> or too deep a nesting.</summary>
    public bool HasBadLine { get; private set; }
    public bool IsBroken => !IsClosed || HasBadLine;

    public ContentLine? First(string name) => Properties.Find(p => p.Name == name);
    public IEnumerable<ContentLine> All(string name) => Properties.Where(p => p.Name == name);

    /// <summary>
    /// Reads the outermost component of <paramref name="text"/>. Returns null when the first line is not
    /// a <c>BEGIN</c> line. A component whose <c>END</c> is missing stays unclosed (broken); an <c>END</c> that
    /// closes an outer component also ends the ones opened inside it, which stay unclosed.
    /// </summary>
    public static IcsComponent? Parse(string text)
    {
        IcsComponent? root = null;
        var stack = new List<IcsComponent>();
        foreach (var raw in ContentLine.Unfold(text))
        {
            var line = ContentLine.Parse(raw);
            if (root is null)
            {
                if (line is not { Name: "BEGIN" })
                {
                    return null;
                }
                root = new IcsComponent(line.Value.Trim().ToUpperInvariant());
                stack.Add(root);
                continue;
            }
            if (stack.Count == 0)
            {
                break; // text after the outermost END is not ours to read
            }
            var top = stack[^1];
            if (line is null)
            {
                top.HasBadLine = true;
                continue;
            }
            switch (line.Name)
            {
                case "BEGIN":
                    var child = new IcsComponent(line.Value.Trim().ToUpperInvariant());
                    if (stack.Count >= MaxDepth)
                    {
                        top.HasBadLine = true;
                    }
                    else
                    {
                        top.Children.Add(child);
                    }
                    stack.Add(child);
                    break;
                case "END":
                    var name = line.Value.Trim().ToUpperInvariant();
                    var at = stack.FindLastIndex(c => c.Name == name);
                    if (at < 0)
                    {
                        top.HasBadLine = true;
                        break;
                    }
                    stack[at].IsClosed = true;
                    stack.RemoveRange(at, stack.Count - at);
                    break;
                default:
                    top.Properties.Add(line);
                    break;
            }
        }
        return root;
    }
}
