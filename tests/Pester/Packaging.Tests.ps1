# The module as people install it: published to a file repository with Publish-PSResource (what
# `./build.ps1 -Task PublishModule` does), then installed from there with Install-PSResource into the
# CurrentUser scope of a throw-away HOME, and imported by name in a fresh pwsh.

Describe 'The UpstartPS resource package' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $moduleDir = Split-Path -Parent (Get-UpstartTestModulePath)
        $script:Version = (Test-ModuleManifest -Path (Get-UpstartTestModulePath)).Version
        $script:Repository = Join-Path $TestDrive 'repo'
        $script:Package = & $PSScriptRoot/../../packaging/Publish-ModulePackage.ps1 -ModulePath $moduleDir -RepositoryPath $Repository
        # This same pwsh: an installed one, or the PowerShell dotnet tool (`dotnet …/pwsh.dll`).
        $script:Pwsh = @([Environment]::ProcessPath)
        if ((Split-Path -Leaf $Pwsh[0]) -eq 'dotnet') { $script:Pwsh += Join-Path $PSHOME 'pwsh.dll' }
    }

    It 'is one nupkg named after the module and its version' {
        Split-Path -Leaf $Package | Should -Be "UpstartPS.$Version.nupkg"
        @(Get-ChildItem $Repository -Filter *.nupkg).Count | Should -Be 1
    }

    It 'carries the module files and nothing of the build' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Package)
        try {
            $entries = $zip.Entries.FullName
        }
        finally {
            $zip.Dispose()
        }
        foreach ($file in 'UpstartPS.psd1', 'UpstartPS.dll', 'UpstartPS.Format.ps1xml', 'en-US/UpstartPS.dll-Help.xml') {
            $entries | Should -Contain $file
        }
        $entries | Where-Object { $_ -match '\.(pdb|deps\.json)$' } | Should -BeNullOrEmpty
    }

    It 'installs with Install-PSResource into a temporary CurrentUser scope and imports' {
        $home_ = Join-Path $TestDrive 'home'
        # .NET reports a missing XDG folder as '' and PSResourceGet would then write to the current directory.
        foreach ($dir in '.local/share', '.config', '.cache') {
            New-Item -ItemType Directory -Path (Join-Path $home_ $dir) | Out-Null
        }
        # A fresh pwsh whose CurrentUser scope, repository list and module path all live under $home_.
        $script = @'
$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name upstartps-test -Uri $args[0] -Trusted
Install-PSResource -Name UpstartPS -Repository upstartps-test -Scope CurrentUser -TrustRepository -Version $args[1]
$module = Import-Module UpstartPS -PassThru
"base=$($module.ModuleBase)"
"version=$($module.Version)"
"commands=$((Get-Command -Module UpstartPS).Count)"
"valid=$(Test-UpstartJobFile -Path $args[2] -Quiet)"
'@
        $scriptFile = Join-Path $TestDrive 'install.ps1'
        Set-Content -LiteralPath $scriptFile -Value $script
        $job = Join-Path $TestDrive 'ok.conf'
        Set-Content -LiteralPath $job -Value "exec /bin/true`n"
        $env_ = @{ HOME = $home_; XDG_DATA_HOME = "$home_/.local/share"; XDG_CONFIG_HOME = "$home_/.config"; XDG_CACHE_HOME = "$home_/.cache"; PSModulePath = '' }
        $saved = @{}
        foreach ($k in $env_.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $env_[$k]) }
        try {
            $output = & $Pwsh[0] @($Pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $scriptFile $Repository "$Version" $job 2>&1
            $code = $LASTEXITCODE
        }
        finally {
            foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
        }
        $code | Should -Be 0 -Because ($output -join "`n")
        $output | Should -Contain "version=$Version"
        $output | Should -Contain "commands=$((Test-ModuleManifest -Path (Get-UpstartTestModulePath)).ExportedCmdlets.Count)"
        $output | Should -Contain 'valid=True'
        Test-Path "$home_/.local/share/PSResourceGet/PSResourceRepository.xml" | Should -BeTrue -Because 'the repository list must be the temporary one'
        ($output | Where-Object { $_ -like 'base=*' }) | Should -BeLike "base=$home_/*/UpstartPS/$Version"
    }
}
