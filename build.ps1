#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests, packages and runs UpstartPS.

.DESCRIPTION
    Tasks (run in the order given):
      Build    dotnet build of the solution (warnings are errors).
      Test     dotnet test of the solution, then the Pester suites.
      Pester   the Pester 5 suites in tests/Pester only, against the packaged module and a real
               session daemon (what .ci/run calls when pwsh is on PATH).
      Package  lays out out/UpstartPS/ (dll + dependencies + manifest + formats + en-US help),
               ready for Import-Module and Publish-PSResource.
      Run      starts a session daemon in the foreground on examples/init (Ctrl+C stops it).
      PublishNative  NativeAOT publish (the shipped build) of upstart-host (+ the exec helper) and
               upstartctl into out/native/ with `dotnet publish -c Release -r linux-x64`.
      TestNative     PublishNative, then the real-daemon integration tests against those binaries
               (UPSTARTPS_BIN_DIR=out/native).
      Deb      PublishNative, man pages from docs/, then out/upstartps_VERSION_amd64.deb (dpkg-deb).
      TestDeb  Deb, then tests/Packaging (contents, control data, the daemon and CLI run from the
               extracted package).
      PublishModule  Package, then Publish-PSResource of out/UpstartPS to the file repository
               out/psrepo/ (the nupkg people install with Install-PSResource).

.EXAMPLE
    ./build.ps1 -Task Package, Pester

.EXAMPLE
    ./build.ps1 -Task Run
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Pester', 'Package', 'Run', 'PublishNative', 'TestNative', 'Deb', 'TestDeb', 'PublishModule')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$OutDir = Join-Path $Root 'out'
$ModuleOut = Join-Path $OutDir 'UpstartPS'
$HostProject = Join-Path $Root 'src/UpstartHost/UpstartHost.csproj'
$ModuleProject = Join-Path $Root 'src/UpstartPS/UpstartPS.csproj'
$NativeOut = Join-Path $OutDir 'native'
$ModuleRepository = Join-Path $OutDir 'psrepo'

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    Write-Host "> $Command $($Arguments -join ' ')" -ForegroundColor DarkGray
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command exited with code $LASTEXITCODE" }
}

function Invoke-SolutionBuild {
    Invoke-Native dotnet @('build', (Join-Path $Root 'UpstartPS.sln'), '-c', $Configuration, '-warnaserror')
}

function Invoke-Package {
    # LayOutModule (UpstartPS.csproj) copies exactly the module's files after the build.
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    Invoke-Native dotnet @('build', $ModuleProject, '-c', $Configuration, '-warnaserror', "-p:ModuleLayoutDir=$ModuleOut/")
    $manifest = Test-ModuleManifest -Path (Join-Path $ModuleOut 'UpstartPS.psd1')
    Write-Host "Packaged $($manifest.Name) $($manifest.Version) in $ModuleOut"
}

function Get-HostPath {
    Join-Path $Root "src/UpstartHost/bin/$Configuration/net10.0/upstart-host"
}

function Import-Pester5 {
    $pester = Get-Module Pester -ListAvailable | Where-Object { $_.Version.Major -eq 5 } | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $pester) {
        Write-Host 'Pester 5 is not installed; installing it for the current user.'
        try {
            Install-Module Pester -MinimumVersion 5.5.0 -MaximumVersion 5.99.99 -Scope CurrentUser -Force -SkipPublisherCheck
        }
        catch {
            throw "Pester 5 is needed for the Pester task and could not be installed: $_"
        }
        $pester = Get-Module Pester -ListAvailable | Where-Object { $_.Version.Major -eq 5 } | Sort-Object Version -Descending | Select-Object -First 1
    }
    Import-Module $pester.Path -Force
}

function Invoke-PesterSuites {
    Invoke-Package
    Invoke-Native dotnet @('build', $HostProject, '-c', $Configuration, '-warnaserror')
    Import-Pester5

    # The suites read these to find what they test (tests/Pester/Common.ps1).
    $env:UPSTARTPS_MODULE = Join-Path $ModuleOut 'UpstartPS.psd1'
    $env:UPSTARTPS_HOST = Get-HostPath

    $config = New-PesterConfiguration
    $config.Run.Path = Join-Path $Root 'tests/Pester'
    $config.Run.Exit = $false
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputFormat = 'NUnitXml'
    $config.TestResult.OutputPath = Join-Path $OutDir 'pester-results.xml'
    $result = Invoke-Pester -Configuration $config
    # The closing line CI reads: 'N passed, N failed'.
    Write-Host "Pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
    if ($result.FailedCount -gt 0 -or $result.Result -ne 'Passed') { throw 'Pester suites failed.' }
}

function Invoke-Tests {
    Invoke-Native dotnet @('test', (Join-Path $Root 'UpstartPS.sln'), '-c', $Configuration)
    Invoke-PesterSuites
}

function Invoke-Run {
    Invoke-Native dotnet @('build', $HostProject, '-c', $Configuration, '-warnaserror')
    $examples = Join-Path $Root 'examples/init'
    Write-Host "Session daemon on $examples; in another pwsh: Import-Module $ModuleOut/UpstartPS.psd1; Get-UpstartJob"
    Invoke-Native (Get-HostPath) @('--session', '--confdir', $examples)
}

. (Join-Path $Root 'packaging/Shipping.ps1')

foreach ($step in $Task) {
    Write-Host "== $step" -ForegroundColor Cyan
    switch ($step) {
        'Build' { Invoke-SolutionBuild }
        'Test' { Invoke-Tests }
        'Pester' { Invoke-PesterSuites }
        'Package' { Invoke-Package }
        'Run' { Invoke-Run }
        'PublishNative' { Invoke-PublishNative }
        'TestNative' { Invoke-NativeTests }
        'Deb' { Invoke-Deb }
        'TestDeb' { Invoke-DebTests }
        'PublishModule' { Invoke-PublishModule }
    }
}
