<#
.SYNOPSIS
    Turns one of the project's markdown docs into a man(7) page: the docs stay the single source.

.DESCRIPTION
    Understands the markdown the docs use and nothing more: `#` (the title line: "NAME: SUMMARY"),
    `##`/`###` headings, paragraphs, fenced code, `*`/`-` lists, pipe tables, `code`, **bold** and
    [text](link). Everything else passes through as text, escaped so roff never reads it as a request.
    Sections named in -ExcludeSection (developer notes such as benchmarks) are left out.

.EXAMPLE
    ./ConvertTo-ManPage.ps1 -Path docs/daemon.md -Name upstart-host -Section 8 -Version 0.1.0 -ExcludeSection 'Performance*'
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $Name,
    [string] $Section = '8',
    [Parameter(Mandatory)] [string] $Version,
    [string[]] $ExcludeSection = @()
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function ConvertTo-RoffText([string] $text) {
    # Backslashes first, then the inline markup; a line must never start with '.' or "'" (a request).
    $t = $text.Replace('\', '\e')
    $t = [regex]::Replace($t, '\[([^\]]+)\]\(([^)]+)\)', '$1 ($2)')
    $t = [regex]::Replace($t, '\*\*([^*]+)\*\*', '\fB$1\fR')
    $t = [regex]::Replace($t, '(?<![*\w])\*([^*\s][^*]*)\*(?![*\w])', '\fI$1\fR')
    $t = [regex]::Replace($t, '`([^`]+)`', '\fB$1\fR')
    $t = $t.Replace('-', '\-')
    if ($t -match "^[.']") { $t = '\&' + $t }
    ConvertTo-RoffCharacters $t
}

function ConvertTo-RoffCharacters([string] $t) {
    # Beyond ASCII, name each character (\[u2014]) so groff and mandoc render it whatever the locale.
    [regex]::Replace($t, '[^\x00-\x7F]', { param($m) '\[u{0:X4}]' -f [int][char]$m.Value })
}

function ConvertTo-RoffLiteral([string] $line) {
    $t = $line.Replace('\', '\e').Replace('-', '\-')
    if ($t -match "^[.']") { $t = '\&' + $t }
    ConvertTo-RoffCharacters $t
}

$lines = Get-Content -LiteralPath $Path
$title = $lines[0] -replace '^#\s+', ''
$summary = if ($title -match ':\s*(.+)$') { $Matches[1] } else { $title }

$out = [System.Collections.Generic.List[string]]::new()
# No date: the page is reproducible from the same docs (Debian's reproducible builds ask for this).
$out.Add(".TH $($Name.ToUpperInvariant()) $Section """" ""UpstartPS $Version"" ""UpstartPS""")
$out.Add('.SH NAME')
$out.Add("$(ConvertTo-RoffLiteral $Name) \- $(ConvertTo-RoffText $summary)")

$inCode = $false
$skipping = $false
$first = $true
foreach ($line in $lines | Select-Object -Skip 1) {
    if ($line -match '^```') {
        if ($skipping) { $inCode = -not $inCode; continue }
        if ($inCode) { $out.Add('.fi'); $out.Add('.RE') } else { $out.Add('.PP'); $out.Add('.RS 4'); $out.Add('.nf') }
        $inCode = -not $inCode
        continue
    }
    if ($inCode) {
        if (-not $skipping) { $out.Add((ConvertTo-RoffLiteral $line)) }
        continue
    }
    if ($line -match '^(#{2,3})\s+(.+)$') {
        $heading = $Matches[2]
        $level = $Matches[1].Length
        if ($level -eq 2) {
            $skipping = @($ExcludeSection | Where-Object { $heading -like $_ }).Count -gt 0
        }
        if ($skipping) { continue }
        $out.Add($(if ($level -eq 2) { '.SH ' } else { '.SS ' }) + '"' + (ConvertTo-RoffText $heading.ToUpperInvariant()).Replace('"', '') + '"')
        continue
    }
    if ($skipping) { continue }
    if ($first -and $line.Trim() -ne '') {
        $out.Add('.SH DESCRIPTION')
        $first = $false
    }
    if ($line.Trim() -eq '') { $out.Add('.PP'); continue }
    if ($line -match '^\|(\s*-+\s*\|)+\s*$') { continue }  # a table's rule
    if ($line -match '^\|(.+)\|\s*$') {
        $cells = $Matches[1].Split('|') | ForEach-Object { ConvertTo-RoffText $_.Trim() }
        $out.Add('.br')
        $out.Add(($cells -join ' \(em '))
        continue
    }
    if ($line -match '^\s*[*-]\s+(.+)$') {
        $out.Add('.IP \(bu 2')
        $out.Add((ConvertTo-RoffText $Matches[1]))
        continue
    }
    if ($line -match '^\s*\d+\.\s+(.+)$') {
        $out.Add('.IP \(bu 2')
        $out.Add((ConvertTo-RoffText $Matches[1]))
        continue
    }
    $out.Add((ConvertTo-RoffText $line.Trim()))
}
if ($inCode) { throw "${Path}: unterminated code fence" }

# A paragraph break next to a heading or another break says nothing.
$result = [System.Collections.Generic.List[string]]::new()
for ($i = 0; $i -lt $out.Count; $i++) {
    $l = $out[$i]
    if ($l -eq '.PP') {
        $previous = if ($result.Count -gt 0) { $result[$result.Count - 1] } else { '' }
        $next = if ($i + 1 -lt $out.Count) { $out[$i + 1] } else { '.SH' }
        if ($previous -eq '.PP' -or $previous -like '.S[HS]*' -or $next -like '.S[HS]*') { continue }
    }
    $result.Add($l)
}
($result -join "`n") + "`n"
