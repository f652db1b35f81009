"""The typed NF-e/NFC-e 4.00 document model (pydantic v2), generated from the official XSDs.

Import the friendly names below rather than the generated ones (``engine.nfe.model.generated``
names nested groups by their path, e.g. ``ICMS_ICMS00``); rendering and parsing live in
``engine.nfe.xmlio``. Field names are the layout's XML names verbatim (``vProd``, ``cStat``).
Choices are flattened: set exactly one branch (``Emit(CNPJ=...)`` or ``Emit(CPF=...)``;
``ICMS(ICMS00=ICMS00(...))``). ``Signature`` fields hold the signed element's exact bytes.
"""

from engine.nfe.model import generated
from engine.nfe.model.base import (
    DSIG_NS,
    NFE_NS,
    ConstrainedXmlModel,
    XmlChoice,
    XmlField,
    XmlModel,
    XmlSequence,
)
from engine.nfe.model.generated import ROOTS

# Document groups by their layout name (aliases of the generated classes, whose names follow the
# path of nested groups and may change with a new PL).
Adi = generated.Adi
Agropecuario = generated.Agropecuario
Arma = generated.Arma
AutXML = generated.AutXML
Avulsa = generated.Avulsa
Cana = generated.Cana
Card = generated.Card
Cobr = generated.Cobr
COFINS = generated.Imposto_COFINS
COFINSAliq = generated.COFINS_COFINSAliq
COFINSNT = generated.COFINS_COFINSNT
COFINSOutr = generated.COFINS_COFINSOutr
COFINSQtde = generated.COFINS_COFINSQtde
COFINSST = generated.Imposto_COFINSST
Comb = generated.Comb
Compra = generated.Compra
ConsReciNFe = generated.TConsReciNFe
ConsSitNFe = generated.TConsSitNFe
ConsStatServ = generated.TConsStatServ
Dest = generated.Dest
Det = generated.Det
DetExport = generated.DetExport
DetPag = generated.DetPag
DI = generated.Prod_DI
Dup = generated.Dup
Emit = generated.Emit
Endereco = generated.TEndereco
EnderEmi = generated.TEnderEmi
EnviNFe = generated.TEnviNFe
Evento = generated.TEvento
Exporta = generated.Exporta
Fat = generated.Fat
GCompraGov = generated.TCompraGov
GIBSCBS = generated.TCIBS_NFe
IBSCBS = generated.TTribNFe
IBSCBSTot = generated.TIBSCBSMonoTot
ICMS = generated.Imposto_ICMS
ICMS00 = generated.ICMS_ICMS00
ICMS02 = generated.ICMS_ICMS02
ICMS10 = generated.ICMS_ICMS10
ICMS15 = generated.ICMS_ICMS15
ICMS20 = generated.ICMS_ICMS20
ICMS30 = generated.ICMS_ICMS30
ICMS40 = generated.ICMS_ICMS40
ICMS51 = generated.ICMS_ICMS51
ICMS53 = generated.ICMS_ICMS53
ICMS60 = generated.ICMS_ICMS60
ICMS61 = generated.ICMS_ICMS61
ICMS70 = generated.ICMS_ICMS70
ICMS90 = generated.ICMS_ICMS90
ICMSPart = generated.ICMS_ICMSPart
ICMSSN101 = generated.ICMS_ICMSSN101
ICMSSN102 = generated.ICMS_ICMSSN102
ICMSSN201 = generated.ICMS_ICMSSN201
ICMSSN202 = generated.ICMS_ICMSSN202
ICMSSN500 = generated.ICMS_ICMSSN500
ICMSSN900 = generated.ICMS_ICMSSN900
ICMSST = generated.ICMS_ICMSST
ICMSTot = generated.Total_ICMSTot
ICMSUFDest = generated.Imposto_ICMSUFDest
Ide = generated.Ide
II = generated.Imposto_II
Imposto = generated.Imposto
ImpostoDevol = generated.ImpostoDevol
InfAdic = generated.InfAdic
InfIntermed = generated.InfIntermed
InfInut = generated.TInutNFe_infInut
InfNFe = generated.InfNFe
InfNFeSupl = generated.InfNFeSupl
InfProt = generated.TProtNFe_infProt
InfRespTec = generated.TInfRespTec
InutNFe = generated.TInutNFe
IPI = generated.TIpi
IPINT = generated.TIpi_IPINT
IPITrib = generated.TIpi_IPITrib
IS = generated.TIS
ISSQN = generated.Imposto_ISSQN
ISSQNtot = generated.Total_ISSQNtot
ISTot = generated.TISTot
Local = generated.TLocal
Med = generated.Med
NFe = generated.TNFe
NfeProc = generated.TNfeProc
NFref = generated.Ide_NFref
ObsCont = generated.InfAdic_obsCont
ObsFisco = generated.InfAdic_obsFisco
ObsItem = generated.ObsItem
Pag = generated.Pag
PIS = generated.Imposto_PIS
PISAliq = generated.PIS_PISAliq
PISNT = generated.PIS_PISNT
PISOutr = generated.PIS_PISOutr
PISQtde = generated.PIS_PISQtde
PISST = generated.Imposto_PISST
ProcEventoNFe = generated.TProcEvento
ProcInutNFe = generated.TProcInutNFe
ProcRef = generated.ProcRef
Prod = generated.Prod
ProtNFe = generated.TProtNFe
Rastro = generated.Rastro
RefECF = generated.RefECF
RefNF = generated.RefNF
RefNFP = generated.RefNFP
RetConsReciNFe = generated.TRetConsReciNFe
RetConsSitNFe = generated.TRetConsSitNFe
RetConsStatServ = generated.TRetConsStatServ
RetEnviNFe = generated.TRetEnviNFe
RetEvento = generated.TRetEvento
RetInutNFe = generated.TRetInutNFe
RetTransp = generated.RetTransp
RetTrib = generated.RetTrib
Total = generated.Total
Transp = generated.Transp
Transporta = generated.Transporta
VeicProd = generated.VeicProd
Veiculo = generated.TVeiculo
Vol = generated.Vol

# Coded fields: StrEnum whose values are the wire codes.
IdDest = generated.IdDest
IndFinal = generated.IndFinal
IndPag = generated.IndPag
IndPres = generated.IndPres
ModFrete = generated.ModFrete
TAmb = generated.TAmb
TFinNFe = generated.TFinNFe
TMod = generated.TMod
Torig = generated.Torig
TpEmis = generated.TpEmis
TpImp = generated.TpImp
TpNF = generated.TpNF
TProcEmi = generated.TProcEmi
TUf = generated.TUf

__all__ = [
    "COFINS",
    "COFINSNT",
    "COFINSST",
    "DI",
    "DSIG_NS",
    "GIBSCBS",
    "IBSCBS",
    "ICMS",
    "ICMS00",
    "ICMS02",
    "ICMS10",
    "ICMS15",
    "ICMS20",
    "ICMS30",
    "ICMS40",
    "ICMS51",
    "ICMS53",
    "ICMS60",
    "ICMS61",
    "ICMS70",
    "ICMS90",
    "ICMSSN101",
    "ICMSSN102",
    "ICMSSN201",
    "ICMSSN202",
    "ICMSSN500",
    "ICMSSN900",
    "ICMSST",
    "II",
    "IPI",
    "IPINT",
    "IS",
    "ISSQN",
    "NFE_NS",
    "PIS",
    "PISNT",
    "PISST",
    "ROOTS",
    "Adi",
    "Agropecuario",
    "Arma",
    "AutXML",
    "Avulsa",
    "COFINSAliq",
    "COFINSOutr",
    "COFINSQtde",
    "Cana",
    "Card",
    "Cobr",
    "Comb",
    "Compra",
    "ConsReciNFe",
    "ConsSitNFe",
    "ConsStatServ",
    "ConstrainedXmlModel",
    "Dest",
    "Det",
    "DetExport",
    "DetPag",
    "Dup",
    "Emit",
    "EnderEmi",
    "Endereco",
    "EnviNFe",
    "Evento",
    "Exporta",
    "Fat",
    "GCompraGov",
    "IBSCBSTot",
    "ICMSPart",
    "ICMSTot",
    "ICMSUFDest",
    "IPITrib",
    "ISSQNtot",
    "ISTot",
    "IdDest",
    "Ide",
    "Imposto",
    "ImpostoDevol",
    "IndFinal",
    "IndPag",
    "IndPres",
    "InfAdic",
    "InfIntermed",
    "InfInut",
    "InfNFe",
    "InfNFeSupl",
    "InfProt",
    "InfRespTec",
    "InutNFe",
    "Local",
    "Med",
    "ModFrete",
    "NFe",
    "NFref",
    "NfeProc",
    "ObsCont",
    "ObsFisco",
    "ObsItem",
    "PISAliq",
    "PISOutr",
    "PISQtde",
    "Pag",
    "ProcEventoNFe",
    "ProcInutNFe",
    "ProcRef",
    "Prod",
    "ProtNFe",
    "Rastro",
    "RefECF",
    "RefNF",
    "RefNFP",
    "RetConsReciNFe",
    "RetConsSitNFe",
    "RetConsStatServ",
    "RetEnviNFe",
    "RetEvento",
    "RetInutNFe",
    "RetTransp",
    "RetTrib",
    "TAmb",
    "TFinNFe",
    "TMod",
    "TProcEmi",
    "TUf",
    "Torig",
    "Total",
    "TpEmis",
    "TpImp",
    "TpNF",
    "Transp",
    "Transporta",
    "VeicProd",
    "Veiculo",
    "Vol",
    "XmlChoice",
    "XmlField",
    "XmlModel",
    "XmlSequence",
    "generated",
]
