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
from engine.nfe.model.generated import (
    COFINS_COFINSNT as COFINSNT,
)
from engine.nfe.model.generated import (
    ICMS_ICMS00 as ICMS00,
)
from engine.nfe.model.generated import (
    ICMS_ICMS02 as ICMS02,
)
from engine.nfe.model.generated import (
    ICMS_ICMS10 as ICMS10,
)
from engine.nfe.model.generated import (
    ICMS_ICMS15 as ICMS15,
)
from engine.nfe.model.generated import (
    ICMS_ICMS20 as ICMS20,
)
from engine.nfe.model.generated import (
    ICMS_ICMS30 as ICMS30,
)
from engine.nfe.model.generated import (
    ICMS_ICMS40 as ICMS40,
)
from engine.nfe.model.generated import (
    ICMS_ICMS51 as ICMS51,
)
from engine.nfe.model.generated import (
    ICMS_ICMS53 as ICMS53,
)
from engine.nfe.model.generated import (
    ICMS_ICMS60 as ICMS60,
)
from engine.nfe.model.generated import (
    ICMS_ICMS61 as ICMS61,
)
from engine.nfe.model.generated import (
    ICMS_ICMS70 as ICMS70,
)
from engine.nfe.model.generated import (
    ICMS_ICMS90 as ICMS90,
)
from engine.nfe.model.generated import (
    ICMS_ICMSSN101 as ICMSSN101,
)
from engine.nfe.model.generated import (
    ICMS_ICMSSN102 as ICMSSN102,
)
from engine.nfe.model.generated import (
    ICMS_ICMSSN201 as ICMSSN201,
)
from engine.nfe.model.generated import (
    ICMS_ICMSSN202 as ICMSSN202,
)
from engine.nfe.model.generated import (
    ICMS_ICMSSN500 as ICMSSN500,
)
from engine.nfe.model.generated import (
    ICMS_ICMSSN900 as ICMSSN900,
)
from engine.nfe.model.generated import (
    ICMS_ICMSST as ICMSST,
)
from engine.nfe.model.generated import (
    PIS_PISNT as PISNT,
)

# Document groups, by their layout name (friendly aliases of the generated classes).
# Coded fields: StrEnum whose values are the wire codes.
from engine.nfe.model.generated import (
    ROOTS,
    Adi,
    Agropecuario,
    Arma,
    AutXML,
    Avulsa,
    Cana,
    Card,
    Cobr,
    Comb,
    Compra,
    Dest,
    Det,
    DetExport,
    DetPag,
    Dup,
    Emit,
    Exporta,
    Fat,
    IdDest,
    Ide,
    Imposto,
    ImpostoDevol,
    IndFinal,
    IndPag,
    IndPres,
    InfAdic,
    InfIntermed,
    InfNFe,
    InfNFeSupl,
    Med,
    ModFrete,
    ObsItem,
    Pag,
    ProcRef,
    Prod,
    Rastro,
    RefECF,
    RefNF,
    RefNFP,
    RetTransp,
    RetTrib,
    TAmb,
    TFinNFe,
    TMod,
    Torig,
    Total,
    TpEmis,
    TpImp,
    TpNF,
    TProcEmi,
    Transp,
    Transporta,
    TUf,
    VeicProd,
    Vol,
)
from engine.nfe.model.generated import (
    TIS as IS,
)
from engine.nfe.model.generated import (
    COFINS_COFINSAliq as COFINSAliq,
)
from engine.nfe.model.generated import (
    COFINS_COFINSOutr as COFINSOutr,
)
from engine.nfe.model.generated import (
    COFINS_COFINSQtde as COFINSQtde,
)
from engine.nfe.model.generated import (
    ICMS_ICMSPart as ICMSPart,
)
from engine.nfe.model.generated import (
    Ide_NFref as NFref,
)
from engine.nfe.model.generated import (
    Imposto_COFINS as COFINS,
)
from engine.nfe.model.generated import (
    Imposto_COFINSST as COFINSST,
)
from engine.nfe.model.generated import (
    Imposto_ICMS as ICMS,
)
from engine.nfe.model.generated import (
    Imposto_ICMSUFDest as ICMSUFDest,
)
from engine.nfe.model.generated import (
    Imposto_II as II,
)
from engine.nfe.model.generated import (
    Imposto_ISSQN as ISSQN,
)
from engine.nfe.model.generated import (
    Imposto_PIS as PIS,
)
from engine.nfe.model.generated import (
    Imposto_PISST as PISST,
)
from engine.nfe.model.generated import (
    InfAdic_obsCont as ObsCont,
)
from engine.nfe.model.generated import (
    InfAdic_obsFisco as ObsFisco,
)
from engine.nfe.model.generated import (
    PIS_PISAliq as PISAliq,
)
from engine.nfe.model.generated import (
    PIS_PISOutr as PISOutr,
)
from engine.nfe.model.generated import (
    PIS_PISQtde as PISQtde,
)
from engine.nfe.model.generated import (
    Prod_DI as DI,
)
from engine.nfe.model.generated import (
    TCIBS_NFe as GIBSCBS,
)
from engine.nfe.model.generated import (
    TCompraGov as GCompraGov,
)
from engine.nfe.model.generated import (
    TConsReciNFe as ConsReciNFe,
)
from engine.nfe.model.generated import (
    TConsSitNFe as ConsSitNFe,
)
from engine.nfe.model.generated import (
    TConsStatServ as ConsStatServ,
)
from engine.nfe.model.generated import (
    TEndereco as Endereco,
)
from engine.nfe.model.generated import (
    TEnderEmi as EnderEmi,
)
from engine.nfe.model.generated import (
    TEnviNFe as EnviNFe,
)
from engine.nfe.model.generated import (
    TIBSCBSMonoTot as IBSCBSTot,
)
from engine.nfe.model.generated import (
    TInfRespTec as InfRespTec,
)
from engine.nfe.model.generated import (
    TInutNFe as InutNFe,
)
from engine.nfe.model.generated import (
    TInutNFe_infInut as InfInut,
)
from engine.nfe.model.generated import (
    TIpi as IPI,
)
from engine.nfe.model.generated import (
    TIpi_IPINT as IPINT,
)
from engine.nfe.model.generated import (
    TIpi_IPITrib as IPITrib,
)
from engine.nfe.model.generated import (
    TISTot as ISTot,
)
from engine.nfe.model.generated import (
    TLocal as Local,
)
from engine.nfe.model.generated import (
    TNFe as NFe,
)
from engine.nfe.model.generated import (
    TNfeProc as NfeProc,
)
from engine.nfe.model.generated import (
    Total_ICMSTot as ICMSTot,
)
from engine.nfe.model.generated import (
    Total_ISSQNtot as ISSQNtot,
)
from engine.nfe.model.generated import (
    TProcInutNFe as ProcInutNFe,
)
from engine.nfe.model.generated import (
    TProtNFe as ProtNFe,
)
from engine.nfe.model.generated import (
    TProtNFe_infProt as InfProt,
)
from engine.nfe.model.generated import (
    TRetConsReciNFe as RetConsReciNFe,
)
from engine.nfe.model.generated import (
    TRetConsSitNFe as RetConsSitNFe,
)
from engine.nfe.model.generated import (
    TRetConsStatServ as RetConsStatServ,
)
from engine.nfe.model.generated import (
    TRetEnviNFe as RetEnviNFe,
)
from engine.nfe.model.generated import (
    TRetInutNFe as RetInutNFe,
)
from engine.nfe.model.generated import (
    TTribNFe as IBSCBS,
)
from engine.nfe.model.generated import (
    TVeiculo as Veiculo,
)

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
